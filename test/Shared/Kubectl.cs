// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Gateway.Tests.Shared;

/// <summary>The machine's kubectl, pointed at an emulated cluster, with its own discovery cache.</summary>
internal sealed class Kubectl(string kubeconfig)
{
    private const string Binary = "/usr/bin/kubectl";
    private readonly string _cache = Directory.CreateTempSubdirectory("gateway-kubectl-cache-").FullName;

    public async Task<string> RunAsync(params string[] args)
    {
        File.Exists(Binary).Should().BeTrue($"these tests drive the machine's kubectl at {Binary}");
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", _cache, "--request-timeout", "10s" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} timed out; stderr: {await stderr}");
        }

        process.ExitCode.Should().Be(0, $"kubectl {string.Join(' ', args)} must succeed; stderr: {await stderr}");
        return await stdout;
    }
}
