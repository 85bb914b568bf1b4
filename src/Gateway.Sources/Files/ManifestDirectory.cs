// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Sources.Files;

/// <summary>
/// Lists the manifest files under a directory (*.yaml, *.yml, *.json, recursively, following symbolic links; names
/// starting with '.' are skipped). Nothing here throws for what is on disk: a directory that cannot be listed, a
/// link that leads nowhere or in a circle, is a problem for that path, and the rest of the tree is still listed.
/// </summary>
internal static class ManifestDirectory
{
    private static readonly string[] _extensions = [".yaml", ".yml", ".json"];

    // Links can nest directories without end; nobody's config is this deep.
    private const int MaxDepth = 32;

    public static DirectoryListing List(string root)
    {
        var listing = new DirectoryListing();
        var visited = new HashSet<string>(StringComparer.Ordinal) { root };
        var pending = new Stack<(string Path, int Depth)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            var (directory, depth) = pending.Pop();
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos()];
            }
            catch (DirectoryNotFoundException) when (directory != root)
            {
                continue; // Deleted since its parent was listed: it has no files any more.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                listing.Unlisted.Add(directory);
                listing.Problems[directory] = $"cannot list this directory: {e.Message}";
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    if (Resolve(entry, listing) is { } real)
                    {
                        if (depth + 1 >= MaxDepth || !visited.Add(real))
                        {
                            listing.Problems[entry.FullName] = $"symbolic link loop: {entry.LinkTarget} leads back to a directory already read";
                        }
                        else
                        {
                            pending.Push((entry.FullName, depth + 1));
                        }
                    }
                }
                else if (_extensions.Contains(Path.GetExtension(entry.Name), StringComparer.OrdinalIgnoreCase) && Resolve(entry, listing) is not null)
                {
                    listing.Files.Add(entry.FullName);
                }
            }
        }

        listing.Files.Sort(StringComparer.Ordinal);
        return listing;
    }

    /// <summary>The entry's own path, or where its link finally leads; null (and a problem) for a dangling link or a loop.</summary>
    private static string? Resolve(FileSystemInfo entry, DirectoryListing listing)
    {
        if (entry.LinkTarget is null)
        {
            return entry.FullName;
        }

        try
        {
            var target = entry.ResolveLinkTarget(returnFinalTarget: true);
            if (target is { Exists: true })
            {
                return target.FullName;
            }

            listing.Problems[entry.FullName] = $"dangling symbolic link: {entry.LinkTarget} does not exist";
        }
        catch (IOException e)
        {
            listing.Problems[entry.FullName] = $"symbolic link loop or unreadable link ({e.Message})";
        }

        return null;
    }
}

/// <summary>
/// What a listing found: the manifest files (sorted), the directories that could not be listed (their files are
/// unknown, so those of them read before stay), and a problem per path that users should see.
/// </summary>
internal sealed class DirectoryListing
{
    public List<string> Files { get; } = [];
    public List<string> Unlisted { get; } = [];
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    public bool IsUnder(string path, string directory) =>
        path.StartsWith(directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Whether a file could be in a directory that was not listed (so it is not known to be gone).</summary>
    public bool MayHold(string path) => Unlisted.Exists(d => IsUnder(path, d));
}
