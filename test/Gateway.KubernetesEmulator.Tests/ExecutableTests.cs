// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Gateway.KubernetesEmulator.Tests;

public sealed class ExecutableTests
{
    [Fact]
    public async Task Main_PortZeroAndKubeconfigOut_ServesTheAddressItWrites()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"emu-exe-{Guid.NewGuid():N}.kubeconfig");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "kube-emulator"))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", "0", "--kubeconfig-out", kubeconfig })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            banner.Should().StartWith("kube-emulator serving on http://127.0.0.1:");
            var server = File.ReadAllLines(kubeconfig).Single(l => l.Contains("server:", StringComparison.Ordinal)).Split("server:")[1].Trim();
            server.Should().Be(banner!["kube-emulator serving on ".Length..].TrimEnd('/'));

            using var http = new HttpClient();
            (await http.GetStringAsync(new Uri(server + "/api/v1/namespaces/default"))).Should().Contain("\"phase\":\"Active\"");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            File.Delete(kubeconfig);
        }
    }
}
