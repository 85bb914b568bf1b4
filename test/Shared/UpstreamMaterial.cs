// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Tests.Shared;

/// <summary>
/// The upstream Gateway API material the tests read (CRD bundles, conformance manifests), never copied into the
/// repository. Found, in order: the directory GATEWAY_API_DIR names; ../shared/gateway-api beside the checkout (CI and
/// developer machines); the pinned release in the user's cache, downloaded once and checked against SHA-256 constants.
/// </summary>
internal static class UpstreamMaterial
{
    /// <summary>Gets the material from elsewhere (the pinned release) or says why it could not.</summary>
    internal delegate bool Fetch(out string directory, out string failure);

    public const string EnvironmentVariable = "GATEWAY_API_DIR";

    private static readonly Lazy<string> _directory = new(() => TryResolve(out var dir, out var problem)
        ? dir
        : throw new InvalidOperationException(problem));

    /// <summary>The directory holding standard-install.yaml, experimental-install.yaml and conformance/.</summary>
    public static string Directory => _directory.Value;

    public static string StandardInstall => Path.Combine(Directory, "standard-install.yaml");

    public static string ExperimentalInstall => Path.Combine(Directory, "experimental-install.yaml");

    /// <summary>The conformance manifests, flattened: base/manifests.yaml and tests/*.yaml of the source tree side by side.</summary>
    public static string ConformanceDir => Path.Combine(Directory, "conformance");

    /// <summary>Finds the material, downloading it if need be; otherwise <paramref name="problem"/> says in one line what to provide.</summary>
    public static bool TryResolve(out string directory, out string problem) => TryResolve(
        Environment.GetEnvironmentVariable(EnvironmentVariable),
        Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "gateway-api")),
        UpstreamRelease.TryFetch,
        out directory,
        out problem);

    /// <summary>Resolution with its inputs given: the variable's value, the directory beside the checkout, the download.</summary>
    internal static bool TryResolve(string? named, string beside, Fetch fetch, out string directory, out string problem)
    {
        problem = "";
        if (named is { Length: > 0 })
        {
            directory = Path.GetFullPath(named);
            if (Missing(directory) is { } missing)
            {
                problem = $"{EnvironmentVariable}={named} has no {missing}; it must name a directory holding the Gateway API "
                    + $"{UpstreamRelease.Tag} standard-install.yaml, experimental-install.yaml and conformance/.";
                return false;
            }

            return true;
        }

        directory = beside;
        if (Missing(directory) is null)
        {
            return true;
        }

        if (fetch(out directory, out var failure))
        {
            return true;
        }

        problem = $"The Gateway API {UpstreamRelease.Tag} material the tests need was not found: set {EnvironmentVariable} to a "
            + $"directory holding standard-install.yaml, experimental-install.yaml and conformance/, or put it at {beside}, "
            + $"or allow downloads from github.com ({failure}).";
        return false;
    }

    /// <summary>The first entry a material directory lacks, or null when it is complete.</summary>
    internal static string? Missing(string directory) =>
        !File.Exists(Path.Combine(directory, "standard-install.yaml")) ? "standard-install.yaml"
        : !File.Exists(Path.Combine(directory, "experimental-install.yaml")) ? "experimental-install.yaml"
        : !File.Exists(Path.Combine(directory, "conformance", "manifests.yaml")) ? "conformance/manifests.yaml"
        : null;
}
