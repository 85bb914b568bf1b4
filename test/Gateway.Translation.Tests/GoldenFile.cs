// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Tests;

/// <summary>
/// Compares output with a checked-in file. UPDATE_GOLDEN=1 rewrites the file instead (refused under CI=true):
/// UPDATE_GOLDEN=1 dotnet test test/Gateway.Translation.Tests --filter Category=Golden
/// </summary>
internal static class GoldenFile
{
    public static void Verify(string path, string actual)
    {
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException("UPDATE_GOLDEN is refused under CI=true.");
            }

            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"{path} is missing; regenerate with UPDATE_GOLDEN=1 dotnet test test/Gateway.Translation.Tests --filter Category=Golden");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        actual.Should().Be(expected, $"{path} differs; if the change is intended, regenerate with UPDATE_GOLDEN=1 dotnet test test/Gateway.Translation.Tests --filter Category=Golden");
    }
}
