// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Tests.Shared;

/// <summary>
/// Finds files in the checkout. Walks up from the test binaries to Gateway.sln, because under CI the build is
/// deterministic and [CallerFilePath] gives "/_/..." rather than a real path.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Gateway.sln not found above {AppContext.BaseDirectory}");
    }
}
