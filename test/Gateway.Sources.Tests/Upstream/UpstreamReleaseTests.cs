// SPDX-License-Identifier: Apache-2.0
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;

namespace Gateway.Sources.Tests.Upstream;

/// <summary>The pinned download of the upstream material, against a stand-in github.com serving the material in use.</summary>
[NeedsUpstreamMaterial]
public sealed class UpstreamReleaseTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("upstream-material-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void PinnedHashes_MatchTheMaterialInUse()
    {
        UpstreamRelease.ConformanceDigest(UpstreamMaterial.ConformanceDir).Should().Be(UpstreamRelease.ConformanceHash);
        foreach (var (name, hash) in UpstreamRelease.AssetHashes)
        {
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(UpstreamMaterial.Directory, name))))
                .Should().Be(hash, $"{name} is the {UpstreamRelease.Tag} release asset");
        }
    }

    [Fact]
    public void TryFetch_ReleaseAssetsAndArchive_PublishesTheFlattenedConformanceFolder()
    {
        var cache = Path.Combine(_temp, "cache", "gateway-api");

        UpstreamRelease.TryFetch(new FakeGitHub(GitHubFiles()), cache, out var dir, out var failure).Should().BeTrue(failure);

        dir.Should().Be(cache);
        UpstreamRelease.ConformanceDigest(Path.Combine(dir, "conformance")).Should().Be(UpstreamRelease.ConformanceHash);
        File.ReadAllBytes(Path.Combine(dir, "standard-install.yaml")).Should().Equal(File.ReadAllBytes(UpstreamMaterial.StandardInstall));
        Directory.GetDirectories(Path.Combine(_temp, "cache")).Should().Equal([cache], "the staging directory is gone");
        UpstreamRelease.TryFetch(new FakeGitHub([]), cache, out _, out failure).Should().BeTrue("the second run uses the cache, not the network");
    }

    [Fact]
    public void TryFetch_ConformanceFileAltered_RefusesAndCachesNothing()
    {
        var files = GitHubFiles();
        var archive = files.Keys.Single(k => k.EndsWith(".tar.gz", StringComparison.Ordinal));
        files[archive] = Archive(tampered: true);
        var cache = Path.Combine(_temp, "cache", "gateway-api");

        UpstreamRelease.TryFetch(new FakeGitHub(files), cache, out _, out var failure).Should().BeFalse();

        failure.Should().Contain("SHA-256").And.Contain(UpstreamRelease.ConformanceHash);
        Directory.GetDirectories(Path.Combine(_temp, "cache")).Should().BeEmpty();
    }

    /// <summary>What github.com serves for the pinned tag, built from the material in use.</summary>
    private static Dictionary<string, byte[]> GitHubFiles() => new(StringComparer.Ordinal)
    {
        [$"/kubernetes-sigs/gateway-api/releases/download/{UpstreamRelease.Tag}/standard-install.yaml"] = File.ReadAllBytes(UpstreamMaterial.StandardInstall),
        [$"/kubernetes-sigs/gateway-api/releases/download/{UpstreamRelease.Tag}/experimental-install.yaml"] = File.ReadAllBytes(UpstreamMaterial.ExperimentalInstall),
        [$"/kubernetes-sigs/gateway-api/archive/refs/tags/{UpstreamRelease.Tag}.tar.gz"] = Archive(tampered: false),
    };

    /// <summary>A source archive laid out as GitHub's: a pax header, one top folder, conformance/ among other things.</summary>
    private static byte[] Archive(bool tampered)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "commit" }));
            Add(tar, "README.md", "not conformance"u8.ToArray());
            Add(tar, "conformance/tests/mesh/httproute-weight.yaml", "a mesh test, not flattened"u8.ToArray());
            foreach (var file in Directory.GetFiles(UpstreamMaterial.ConformanceDir))
            {
                var name = Path.GetFileName(file);
                var bytes = File.ReadAllBytes(file);
                Add(tar, name == "manifests.yaml" ? "conformance/base/manifests.yaml" : $"conformance/tests/{name}",
                    tampered && name == "manifests.yaml" ? [.. bytes, (byte)'\n'] : bytes);
            }
        }

        return output.ToArray();
    }

    private static void Add(TarWriter tar, string path, byte[] content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"gateway-api-1.6.1/{path}") { DataStream = new MemoryStream(content) });

    /// <summary>github.com as far as the download goes; null files stands for a machine without network.</summary>
    internal sealed class FakeGitHub(Dictionary<string, byte[]>? files) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri!.Host.Should().Be("github.com");
            if (files is null)
            {
                throw new HttpRequestException("Name or service not known (github.com:443)");
            }

            return Task.FromResult(files.TryGetValue(request.RequestUri.AbsolutePath, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
