// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>A temporary copy of the quick start's example config (deploy/examples/standalone) for a CLI test to read or edit.</summary>
internal sealed class StandaloneExampleCopy : IDisposable
{
    public StandaloneExampleCopy(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        foreach (var file in Directory.GetFiles(RepoPaths.Of("deploy/examples/standalone")))
        {
            File.Copy(file, Path.Combine(Dir, Path.GetFileName(file)));
        }
    }

    public string Dir { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
