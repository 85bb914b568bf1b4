// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Sources.Files;

/// <summary>
/// Gives file objects the metadata.generation an API server would: kept when the file sets it, otherwise
/// 1 on first sight and +1 whenever the object's spec changes.
/// </summary>
internal sealed class ObjectGenerations
{
    private readonly Dictionary<(string Kind, NamespacedName Key), (string Fingerprint, long Generation)> _seen = [];

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
        return obj with { Metadata = obj.Metadata with { Generation = generation } };
    }

    /// <summary>Forgets deleted objects, so one that comes back starts again at 1, as in a cluster.</summary>
    public void Retain(ISet<(string, NamespacedName)> live)
    {
        foreach (var id in _seen.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _seen.Remove(id);
        }
    }
}
