// SPDX-License-Identifier: Apache-2.0
using Gateway.Model;
using Gateway.Model.Meta;

namespace Gateway.Sources.Files;

/// <summary>
/// The objects of every manifest file, kept per file, so that a change to one file costs work for that file only.
/// Objects get the metadata.generation an API server would give: kept when the file sets it, otherwise 1 on first
/// sight and +1 whenever the spec changes. An object that is a later duplicate of another (same kind, namespace and
/// name; files in path order) is reported and dropped. An unchanged file's objects come back as the very same
/// instances, which is what lets the translator's cache recognise them.
/// </summary>
internal sealed class ManifestSet
{
    private readonly SortedDictionary<string, FileObjects> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectId, string> _owners = [];
    private readonly Dictionary<ObjectId, (UInt128 Fingerprint, long Generation)> _generations = [];
    private readonly Dictionary<string, FileObjects?> _replaced = new(StringComparer.Ordinal);
    private readonly List<SourceError> _duplicates = [];

    /// <summary>The duplicates found by the last <see cref="Build"/>.</summary>
    public IReadOnlyList<SourceError> Duplicates => _duplicates;

    /// <summary>Sets a file's objects (they replace what the file held).</summary>
    public void Put(string path, IReadOnlyList<LoadedObject> objects)
    {
        _replaced.TryAdd(path, _files.GetValueOrDefault(path));
        _files[path] = new FileObjects(objects);
    }

    public void Remove(string path)
    {
        if (_files.Remove(path, out var old))
        {
            _replaced.TryAdd(path, old);
        }
    }

    /// <summary>Every object in force; duplicates are added to <paramref name="errors"/>.</summary>
    public ResourceSnapshot Build(List<SourceError> errors)
    {
        // Without duplicates around, a change that brings no new clash is applied to the changed files alone;
        // anything else is worked out again from every file.
        if (_duplicates.Count > 0 || !TryApplyChangedFiles())
        {
            Reassemble();
        }

        _replaced.Clear();
        errors.AddRange(_duplicates);
        var objects = new List<KubernetesObject>(_owners.Count);
        foreach (var file in _files.Values)
        {
            foreach (var stamped in file.Stamped)
            {
                if (stamped is not null)
                {
                    objects.Add(stamped);
                }
            }
        }

        return ResourceSnapshot.FromObjects(objects);
    }

    private bool TryApplyChangedFiles()
    {
        var claimed = new HashSet<ObjectId>();
        foreach (var path in _replaced.Keys)
        {
            if (!_files.TryGetValue(path, out var file))
            {
                continue;
            }

            foreach (var loaded in file.Loaded)
            {
                var id = ObjectId.Of(loaded.Object);
                if (!claimed.Add(id) || (_owners.TryGetValue(id, out var owner) && !_replaced.ContainsKey(owner)))
                {
                    return false;
                }
            }
        }

        foreach (var old in _replaced.Values)
        {
            foreach (var stamped in old?.Stamped ?? [])
            {
                if (stamped is not null && !claimed.Contains(ObjectId.Of(stamped)))
                {
                    var id = ObjectId.Of(stamped);
                    _owners.Remove(id);
                    _generations.Remove(id);
                }
            }
        }

        foreach (var path in _replaced.Keys)
        {
            if (_files.TryGetValue(path, out var file))
            {
                for (var i = 0; i < file.Loaded.Length; i++)
                {
                    file.StampAt(i, Stamp(file.Loaded[i]));
                    _owners[ObjectId.Of(file.Loaded[i].Object)] = path;
                }
            }
        }

        return true;
    }

    private void Reassemble()
    {
        _owners.Clear();
        _duplicates.Clear();
        var first = new Dictionary<ObjectId, LoadedObject>();
        foreach (var (path, file) in _files)
        {
            for (var i = 0; i < file.Loaded.Length; i++)
            {
                var loaded = file.Loaded[i];
                var id = ObjectId.Of(loaded.Object);
                if (first.TryGetValue(id, out var earlier))
                {
                    _duplicates.Add(new SourceError(loaded.Path, loaded.Line,
                        $"duplicate {id.Kind} {id.Key}: already defined at {earlier.Path}:{earlier.Line}; this one is ignored"));
                    file.Stamped[i] = null;
                    continue;
                }

                first[id] = loaded;
                _owners[id] = path;
                if (file.Stamped[i] is null)
                {
                    file.StampAt(i, Stamp(loaded));
                }
            }
        }

        // Forget deleted objects, so one that comes back starts again at generation 1, as in a cluster.
        foreach (var id in _generations.Keys)
        {
            if (!_owners.ContainsKey(id))
            {
                _generations.Remove(id);
            }
        }
    }

    private KubernetesObject Stamp(LoadedObject loaded)
    {
        var obj = loaded.Object;
        var id = ObjectId.Of(obj);
        if (loaded.HasExplicitGeneration)
        {
            _generations[id] = (loaded.SpecFingerprint, obj.Metadata.Generation!.Value);
            return obj;
        }

        var generation = _generations.TryGetValue(id, out var previous)
            ? previous.Fingerprint == loaded.SpecFingerprint ? previous.Generation : previous.Generation + 1
            : 1;
        _generations[id] = (loaded.SpecFingerprint, generation);
        return obj with { Metadata = obj.Metadata with { Generation = generation } };
    }

    private readonly record struct ObjectId(string Kind, NamespacedName Key)
    {
        public static ObjectId Of(KubernetesObject obj) => new(obj.Kind, obj.Key);
    }

    /// <summary>
    /// A file's objects, and as stamped (null where dropped as a duplicate or not yet stamped). Once stamped, the loaded
    /// entry carries the stamped object, so each object is held once (stamping again only sets the generation again).
    /// </summary>
    private sealed class FileObjects(IReadOnlyList<LoadedObject> loaded)
    {
        public LoadedObject[] Loaded { get; } = [.. loaded];

        public KubernetesObject?[] Stamped { get; } = new KubernetesObject?[loaded.Count];

        public void StampAt(int i, KubernetesObject stamped)
        {
            Stamped[i] = stamped;
            if (!ReferenceEquals(Loaded[i].Object, stamped))
            {
                Loaded[i] = Loaded[i] with { Object = stamped };
            }
        }
    }
}
