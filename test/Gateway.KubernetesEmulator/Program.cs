// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Gateway.KubernetesEmulator;

/// <summary><c>kube-emulator --port P --kubeconfig-out FILE [--load FILE]...</c>: serves until SIGINT/SIGTERM.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = 0;
        string? kubeconfig = null;
        var loads = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--port" when int.TryParse(value, out port):
                    i++;
                    break;
                case "--kubeconfig-out" when value is not null:
                    kubeconfig = value;
                    i++;
                    break;
                case "--load" when value is not null:
                    loads.Add(value);
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"usage: kube-emulator --port P --kubeconfig-out FILE [--load FILE]... (unknown argument {args[i]})");
                    return 2;
            }
        }

        await using var emulator = new KubernetesEmulator();
        foreach (var file in loads)
        {
            emulator.LoadYamlFile(file);
        }

        await emulator.StartAsync(port);
        if (kubeconfig is not null)
        {
            emulator.WriteKubeconfig(kubeconfig);
        }

        Console.WriteLine($"kube-emulator serving on {emulator.BaseAddress}");
        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        await stop.Task;
        return 0;
    }
}
