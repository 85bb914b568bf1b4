// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Sources.Tests.Upstream;

/// <summary>Where the tests find the upstream material: GATEWAY_API_DIR, ../shared, the download; or what to provide.</summary>
public sealed class UpstreamMaterialTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("upstream-material-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void TryResolve_VariableNamesCompleteDirectory_IsUsedBeforeTheOneBesideTheCheckout()
    {
        var named = Complete("named");

        UpstreamMaterial.TryResolve(named, Complete("shared"), Unreachable, out var dir, out _).Should().BeTrue();

        dir.Should().Be(named);
    }

    [Fact]
    public void TryResolve_NoDirectoryAndNoNetwork_SaysInOneLineWhatToProvide()
    {
        var beside = Path.Combine(_temp, "shared", "gateway-api");
        UpstreamMaterial.Fetch offline = (out string dir, out string failure) =>
            UpstreamRelease.TryFetch(new UpstreamReleaseTests.FakeGitHub(null), Path.Combine(_temp, "cache"), out dir, out failure);

        UpstreamMaterial.TryResolve(null, beside, offline, out _, out var problem).Should().BeFalse();

        problem.Should().NotContain("\n").And.Contain("GATEWAY_API_DIR").And.Contain(beside)
            .And.Contain("github.com").And.Contain("Name or service not known");
    }

    [Fact]
    public void TryResolve_VariableNamesIncompleteDirectory_NamesWhatIsMissingWithoutFallingBack()
    {
        File.WriteAllText(Path.Combine(_temp, "standard-install.yaml"), "");

        UpstreamMaterial.TryResolve(_temp, Complete("beside"), Unreachable, out _, out var problem).Should().BeFalse();

        problem.Should().Be($"GATEWAY_API_DIR={_temp} has no experimental-install.yaml; it must name a directory holding the Gateway API "
            + "v1.6.1 standard-install.yaml, experimental-install.yaml and conformance/.");
    }

    [Fact]
    public void TryResolve_DirectoryBesideCheckout_IsUsedWithoutDownloading()
    {
        var beside = Complete("shared");

        UpstreamMaterial.TryResolve(null, beside, Unreachable, out var dir, out _).Should().BeTrue();

        dir.Should().Be(beside);
    }

    private static bool Unreachable(out string directory, out string failure) =>
        throw new InvalidOperationException("no download expected");

    /// <summary>A directory with the entries the resolver looks for (empty: it checks they are there, not what they say).</summary>
    private string Complete(string name)
    {
        var dir = Path.Combine(_temp, name);
        Directory.CreateDirectory(Path.Combine(dir, "conformance"));
        foreach (var file in new[] { "standard-install.yaml", "experimental-install.yaml", "conformance/manifests.yaml" })
        {
            File.WriteAllText(Path.Combine(dir, file), "");
        }

        return dir;
    }
}
