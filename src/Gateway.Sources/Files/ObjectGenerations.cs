// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Sources.Files;

/// <summary>
/// Gives file objects the metadata.generation an API server would: kept when the file sets it, otherwise
/// 1 on first sight and +1 whenever the object's spec changes. An object from an unchanged file comes back as the
/// very same instance, which lets the translator's cache recognise it.
/// </summary>
internal sealed class ObjectGenerations
{
    private readonly Dictionary<(string Kind, NamespacedName Key), (string Fingerprint, long Generation)> _seen = [];
    private Dictionary<LoadedObject, KubernetesObject> _stamped = new(ReferenceEqualityComparer.Instance);
    private Dictionary<LoadedObject, KubernetesObject> _nextStamped = new(ReferenceEqualityComparer.Instance);

    public KubernetesObject Stamp(LoadedObject loaded, ISet<(string, NamespacedName)> live)
    {
        var obj = loaded.Object;
        var id = (obj.Kind, obj.Key);
        live.Add(id);
        if (loaded.HasExplicitGeneration)
        {
            _seen[id] = (loaded.SpecFingerprint, obj.Metadata.Generation!.Value);
            return obj;
        }

        var generation = _seen.TryGetValue(id, out var previous)
            ? previous.Fingerprint == loaded.SpecFingerprint ? previous.Generation : previous.Generation + 1
            : 1;
        _seen[id] = (loaded.SpecFingerprint, generation);
        if (!_stamped.TryGetValue(loaded, out var stamped) || stamped.Metadata.Generation != generation)
        {
            stamped = obj with { Metadata = obj.Metadata with { Generation = generation } };
        }

        _nextStamped[loaded] = stamped;
        return stamped;
    }

    /// <summary>Forgets deleted objects, so one that comes back starts again at 1, as in a cluster.</summary>
    public void Retain(ISet<(string, NamespacedName)> live)
    {
        foreach (var id in _seen.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _seen.Remove(id);
        }

        (_stamped, _nextStamped) = (_nextStamped, _stamped);
        _nextStamped.Clear();
    }
}
