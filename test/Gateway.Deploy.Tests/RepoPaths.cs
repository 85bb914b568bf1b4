// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;

namespace Gateway.Deploy.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(string relative) => Path.Combine(Root, relative);

    private static string FindRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));
}
