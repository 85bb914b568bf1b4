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

    /// <summary>A gateway (in process) serving this copy, its listener moved from 8080 to a free port; the caller disposes it.</summary>
    public async Task<(GatewayUnderTest Gateway, int Port)> StartGatewayAsync()
    {
        var port = TestPorts.Free();
        var gateway = new GatewayUnderTest();
        foreach (var file in Directory.GetFiles(Dir))
        {
            gateway.WriteFile(Path.GetFileName(file), File.ReadAllText(file).Replace("port: 8080", $"port: {port}", StringComparison.Ordinal));
        }

        await gateway.StartAsync();
        return (gateway, port);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
