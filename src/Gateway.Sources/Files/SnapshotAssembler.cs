// SPDX-License-Identifier: Apache-2.0
using Gateway.Model;
using Gateway.Model.Meta;

namespace Gateway.Sources.Files;

/// <summary>Puts the objects of many files into one ResourceSnapshot; a later duplicate is reported and dropped.</summary>
internal static class SnapshotAssembler
{
    public static ResourceSnapshot Assemble(IEnumerable<LoadedObject> loaded, ObjectGenerations generations, List<SourceError> errors)
    {
        var live = new HashSet<(string, NamespacedName)>();
        var seen = new Dictionary<(string, NamespacedName), LoadedObject>();
        var objects = new List<KubernetesObject>();
        foreach (var item in loaded)
        {
            var id = (item.Object.Kind, item.Object.Key);
            if (seen.TryGetValue(id, out var first))
            {
                errors.Add(new SourceError(item.Path, item.Line,
                    $"duplicate {item.Object.Kind} {item.Object.Key}: already defined at {first.Path}:{first.Line}; this one is ignored"));
                continue;
            }

            seen[id] = item;
            objects.Add(generations.Stamp(item, live));
        }

        generations.Retain(live);
        return ResourceSnapshot.FromObjects(objects);
    }
}
