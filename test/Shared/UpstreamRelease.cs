// SPDX-License-Identifier: Apache-2.0
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tests.Shared;

/// <summary>
/// The pinned upstream release, fetched the way Envoy Gateway's build fetches the CRDs: the two install bundles from the
/// release assets and conformance/ from the tag's source archive, into a cache directory, each checked against SHA-256
/// constants before the directory is published.
/// </summary>
internal static class UpstreamRelease
{
    public const string Tag = "v1.6.1";

    /// <summary>SHA-256 of the release assets.</summary>
    internal static readonly IReadOnlyDictionary<string, string> AssetHashes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["standard-install.yaml"] = "24d931f22abd8e40c973264319ead7cfa09d0fb7716b7ab1ee2ff174cb063a73",
        ["experimental-install.yaml"] = "d7fa77650e4ef28fca0411536fcb5e237deb4d50301cfded3be49d9a1b7bbd02",
    };

    /// <summary>
    /// SHA-256 of the flattened conformance/ listing in <c>sha256sum</c> form (see <see cref="ConformanceDigest"/>). The
    /// files are checked rather than the archive because GitHub does not promise that a tag's generated archive keeps its bytes.
    /// </summary>
    internal const string ConformanceHash = "da4296b6dcef90a467f9913bb17160e6fe60a7ee5160202afa6c37d9dbe284e9";

    private static readonly Uri _github = new("https://github.com/");

    /// <summary>Where the release is cached: $XDG_CACHE_HOME or ~/.cache, under gateway-tests/.</summary>
    public static string CacheDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "gateway-tests",
        $"gateway-api-{Tag}");

    public static bool TryFetch(out string directory, out string failure) =>
        TryFetch(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) }, CacheDirectory, out directory, out failure);

    /// <summary>Uses the cached copy, or downloads one through <paramref name="handler"/> (the network, or a stand-in in tests).</summary>
    internal static bool TryFetch(HttpMessageHandler handler, string cacheDirectory, out string directory, out string failure)
    {
        directory = cacheDirectory;
        failure = "";
        if (UpstreamMaterial.Missing(cacheDirectory) is null)
        {
            return true;
        }

        // Test assemblies run in parallel: each downloads into its own directory and the first to finish publishes it.
        var staging = cacheDirectory + $".download-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Download(handler, staging);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(cacheDirectory)!);
            try
            {
                System.IO.Directory.Move(staging, cacheDirectory);
            }
            catch (IOException) when (UpstreamMaterial.Missing(cacheDirectory) is null)
            {
                // Another test assembly published it first.
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or TaskCanceledException or UnauthorizedAccessException)
        {
            failure = $"downloading {Tag} from {_github.Host} failed: {e.Message}";
            return false;
        }
        finally
        {
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>SHA-256 over the <c>sha256sum</c> listing of every file in <paramref name="conformanceDir"/>, by ordinal name.</summary>
    internal static string ConformanceDigest(string conformanceDir)
    {
        var listing = new StringBuilder();
        foreach (var file in System.IO.Directory.GetFiles(conformanceDir).Order(StringComparer.Ordinal))
        {
            listing.Append(FileHash(file)).Append("  ").Append(Path.GetFileName(file)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }

    private static void Download(HttpMessageHandler handler, string staging)
    {
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(3) };
        System.IO.Directory.CreateDirectory(staging);
        foreach (var (name, hash) in AssetHashes)
        {
            var path = Path.Combine(staging, name);
            var url = new Uri(_github, $"kubernetes-sigs/gateway-api/releases/download/{Tag}/{name}");
            File.WriteAllBytes(path, http.GetByteArrayAsync(url).GetAwaiter().GetResult());
            Verify(FileHash(path), hash, url);
        }

        var archive = new Uri(_github, $"kubernetes-sigs/gateway-api/archive/refs/tags/{Tag}.tar.gz");
        using (var stream = http.GetStreamAsync(archive).GetAwaiter().GetResult())
        {
            ExtractConformance(stream, Path.Combine(staging, "conformance"));
        }

        Verify(ConformanceDigest(Path.Combine(staging, "conformance")), ConformanceHash, archive);
    }

    /// <summary>Writes conformance/base/manifests.yaml and conformance/tests/*.yaml of the archive into one directory.</summary>
    private static void ExtractConformance(Stream gzip, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        using var tar = new TarReader(new GZipStream(gzip, CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            // Entries are "gateway-api-1.6.1/conformance/...": the first segment is the archive's own folder.
            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var path = slash < 0 ? "" : entry.Name[(slash + 1)..];
            var name = path switch
            {
                "conformance/base/manifests.yaml" => "manifests.yaml",
                _ when path.StartsWith("conformance/tests/", StringComparison.Ordinal) && path.EndsWith(".yaml", StringComparison.Ordinal)
                    && path.Count(c => c == '/') == 2 => Path.GetFileName(path),
                _ => null,
            };
            if (name is not null && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                entry.ExtractToFile(Path.Combine(target, name), overwrite: true);
            }
        }
    }

    private static void Verify(string actual, string expected, Uri source)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"{source} has SHA-256 {actual}, not the pinned {expected}");
        }
    }

    private static string FileHash(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
