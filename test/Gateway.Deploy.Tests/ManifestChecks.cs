// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Gateway.Kubernetes;

namespace Gateway.Deploy.Tests;

/// <summary>
/// What every install path must get right, checked the same way on the plain manifests and on each Helm render:
/// RBAC equals what the code uses, the binary accepts the arguments, the grace period covers the drain, selectors agree.
/// </summary>
internal static class ManifestChecks
{
    // Built once: Build() adds validators to static options, and tests run in parallel.
    private static readonly RootCommand _commandLine = Gateway.Cli.CommandLine.Build();

    // CommandLine.Bind is internal: it holds the checks a real start makes (roles, TLS flags, files), which Parse does not.
    private static readonly MethodInfo _bind = typeof(Gateway.Cli.CommandLine).GetMethod("Bind", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new MissingMethodException("Gateway.Cli.CommandLine.Bind");

    public static void RbacGrantsExactlyTheApiPermissionsTheCodeUses(Manifests manifests)
    {
        var rules = manifests.All
            .Where(m => m.Kind is "ClusterRole" or "Role")
            .SelectMany(m => Yaml.Items(m.Node, "rules").Select(rule => (Namespaced: m.Kind == "Role", Rule: rule)))
            .SelectMany(r => Yaml.Strings(r.Rule, "apiGroups").SelectMany(group => Yaml.Strings(r.Rule, "resources").Select(resource =>
                (Group: group, Resource: resource, r.Namespaced, Verbs: Yaml.Strings(r.Rule, "verbs").ToHashSet()))))
            .ToList();

        rules.Should().NotContain(r => r.Resource == "*" || r.Verbs.Contains("*") || r.Group == "*", "no wildcard grants");
        foreach (var needed in ApiPermissions.Required)
        {
            var granted = rules.Where(r => r.Group == needed.Group && r.Resource == needed.Resource && r.Namespaced == needed.Namespaced).SelectMany(r => r.Verbs).ToHashSet();
            granted.Should().BeEquivalentTo(needed.Verbs, $"the RBAC must grant {needed.Group}/{needed.Resource} exactly {string.Join(",", needed.Verbs)}");
        }

        rules.Select(r => (r.Group, r.Resource)).Should().OnlyContain(
            r => ApiPermissions.Required.Any(p => p.Group == r.Group && p.Resource == r.Resource), "RBAC grants nothing the code does not use");
    }

    /// <summary>Every binding names a service account the manifests make; only pods that watch the API run as it.</summary>
    public static void RbacIsBoundToTheWatchingPodsOnly(Manifests manifests)
    {
        var bound = manifests.All.Where(m => m.Kind is "ClusterRoleBinding" or "RoleBinding")
            .SelectMany(m => Yaml.Items(m.Node, "subjects")).Select(s => Yaml.Scalar(s, "name")).ToHashSet();

        bound.Should().NotBeEmpty();
        bound.Should().OnlyContain(name => manifests.Find("ServiceAccount", name!) != null, "each binding's subject is made with it");
        foreach (var workload in manifests.Workloads)
        {
            if (workload.Role == "proxy")
            {
                bound.Should().NotContain(workload.ServiceAccount, $"{workload} reads no objects and needs no permissions");
                Yaml.Scalar(workload.Pod, "automountServiceAccountToken").Should().Be("false", $"{workload} needs no API token");
            }
            else
            {
                bound.Should().Contain(workload.ServiceAccount, $"{workload} watches the API");
            }
        }
    }

    public static void PodsProbeHealthAndReadiness_RunNonRootWithReadOnlyRoot(Manifests manifests)
    {
        manifests.Workloads.Should().NotBeEmpty();
        foreach (var workload in manifests.Workloads)
        {
            var container = workload.Container;
            Yaml.Scalar(workload.Pod["securityContext"], "runAsNonRoot").Should().Be("true", $"{workload}");
            Yaml.Scalar(container["securityContext"], "readOnlyRootFilesystem").Should().Be("true", $"{workload}");
            Yaml.Scalar(container["livenessProbe"]["httpGet"], "path").Should().Be("/healthz", $"{workload}");
            Yaml.Scalar(container["readinessProbe"]["httpGet"], "path").Should().Be("/readyz", $"{workload}");
            Yaml.Scalar(workload.Manifest.Node["spec"]["template"]["metadata"]["annotations"], "prometheus.io/scrape").Should().Be("true", $"{workload}");
            Yaml.Child(container["resources"], "requests").Should().NotBeNull($"{workload}");
            Yaml.Child(container["resources"], "limits").Should().NotBeNull($"{workload}");
            workload.Flag("--admin-address").Should().Be("0.0.0.0", $"{workload}: the kubelet probes the pod IP");
            Yaml.Items(container, "ports").Should().Contain(p => Yaml.Scalar(p, "name") == "admin" && Yaml.Scalar(p, "containerPort") == workload.Flag("--admin-port"),
                $"{workload}: the probes' named port is the admin server's");
        }
    }

    /// <summary>
    /// Each container's arguments, with $(VAR) expanded as the kubelet would, get through the binary's own flag checks
    /// (the ones a real start makes); files under a mounted Secret stand in as empty files, and must be keys of it.
    /// </summary>
    public static void ArgsAreAcceptedByTheBinary(Manifests manifests)
    {
        foreach (var workload in manifests.Workloads)
        {
            var files = Directory.CreateTempSubdirectory("gateway-deploy-args-");
            try
            {
                var args = ExpandedArgs(manifests, workload, files.FullName);
                var parse = _commandLine.Parse(args);
                parse.Errors.Should().BeEmpty($"{workload}: {string.Join(' ', args)}");

                var errors = new StringWriter();
                var options = _bind.Invoke(null, [parse, false, errors]);
                options.Should().NotBeNull($"gateway {string.Join(' ', args)} ({workload}) must start, but says: {errors}");
            }
            finally
            {
                files.Delete(recursive: true);
            }
        }
    }

    public static void TerminationGracePeriodCoversTheDrainAndTheShutdownTimeout(Manifests manifests)
    {
        foreach (var workload in manifests.Workloads)
        {
            // A controller has no listeners: no drain (the flag is refused there).
            var drain = workload.Role == "controller" ? TimeSpan.Zero : Duration(workload, "--drain-period");
            var preStop = TimeSpan.FromSeconds(int.Parse(Yaml.Scalar(Yaml.Child(Yaml.Child(Yaml.Child(workload.Container, "lifecycle"), "preStop"), "sleep"), "seconds") ?? "0", CultureInfo.InvariantCulture));
            var grace = TimeSpan.FromSeconds(int.Parse(Yaml.Scalar(workload.Pod, "terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture));

            // The gateway allows 5 s after the listeners close for the rest of its stop (Hosting/GracefulShutdown.cs).
            grace.Should().BeGreaterThanOrEqualTo(preStop + drain + Duration(workload, "--shutdown-timeout") + TimeSpan.FromSeconds(5),
                $"the kubelet must not SIGKILL {workload} while it drains or finishes requests in flight");
        }
    }

    /// <summary>Workload selectors pick their own pods only; each Gateway's Service (--service-selector) picks the pods that serve traffic.</summary>
    public static void SelectorsMatchTheirOwnPods(Manifests manifests)
    {
        var workloads = manifests.Workloads;
        foreach (var workload in workloads)
        {
            Yaml.Selects(workload.MatchLabels, workload.PodLabels).Should().BeTrue($"{workload}'s selector must match its pod template");
            workloads.Where(other => other != workload).Should().NotContain(other => Yaml.Selects(workload.MatchLabels, other.PodLabels),
                $"{workload}'s selector must not adopt another workload's pods");
        }

        foreach (var watcher in workloads.Where(w => w.Role != "proxy"))
        {
            var selector = Gateway.Cli.ServiceFlags.ParseSelector(watcher.Flag("--service-selector")!);
            foreach (var workload in workloads)
            {
                Yaml.Selects(selector, workload.PodLabels).Should().Be(workload.Role != "controller",
                    $"each Gateway's Service must select exactly the pods with listeners ({workload})");
            }
        }
    }

    /// <summary>Every image is the chart's appVersion, never a moving tag, pulled only when the node lacks it.</summary>
    public static void ImagesArePinnedToTheAppVersion(Manifests manifests)
    {
        var appVersion = Yaml.Scalar(Manifests.Parse(File.ReadAllText(RepoPaths.Of($"{Helm.Chart}/Chart.yaml")), "Chart.yaml").All[0].Node, "appVersion");
        foreach (var workload in manifests.Workloads)
        {
            Yaml.Scalar(workload.Container, "image").Should().Be($"gateway:{appVersion}", $"{workload}");
            Yaml.Scalar(workload.Container, "imagePullPolicy").Should().Be("IfNotPresent", $"{workload}");
        }
    }

    public static void All(Manifests manifests)
    {
        RbacGrantsExactlyTheApiPermissionsTheCodeUses(manifests);
        RbacIsBoundToTheWatchingPodsOnly(manifests);
        PodsProbeHealthAndReadiness_RunNonRootWithReadOnlyRoot(manifests);
        ArgsAreAcceptedByTheBinary(manifests);
        TerminationGracePeriodCoversTheDrainAndTheShutdownTimeout(manifests);
        SelectorsMatchTheirOwnPods(manifests);
    }

    private static TimeSpan Duration(Workload workload, string flag)
    {
        var value = workload.Flag(flag);
        value.Should().NotBeNull($"{workload} sets {flag} explicitly, so its grace period can be checked against it");
        Gateway.Translation.Routes.Durations.TryParse(value!, out var duration).Should().BeTrue($"{flag}={value} is a duration");
        return duration;
    }

    private static string[] ExpandedArgs(Manifests all, Workload workload, string root)
    {
        var env = Yaml.Items(workload.Container, "env").Select(e => Yaml.Scalar(e, "name")!).ToHashSet();
        var values = new Dictionary<string, string> { ["POD_NAMESPACE"] = workload.Manifest.Namespace ?? "default", ["POD_NAME"] = $"{workload.Manifest.Name}-x7k2p" };
        var mounts = MountedSecrets(workload);
        return workload.Args.Select(arg =>
        {
            foreach (var name in values.Keys.Where(name => arg.Contains($"$({name})", StringComparison.Ordinal)))
            {
                env.Should().Contain(name, $"{workload}: {arg} needs the env var {name}");
                arg = arg.Replace($"$({name})", values[name], StringComparison.Ordinal);
            }

            var value = arg.Split('=', 2) is [_, var v] ? v : null;
            if (value is not null && mounts.FirstOrDefault(m => value.StartsWith(m.Path + "/", StringComparison.Ordinal)) is { Path: not null } mount)
            {
                var key = value[(mount.Path.Length + 1)..];
                if (all.Find("Secret", mount.Secret) is { } secret)
                {
                    Yaml.Map(secret.Node, "data").Should().ContainKey(key, $"{workload}: {arg} reads key {key} of Secret {mount.Secret}");
                }

                var stand = Path.Combine(root, value.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(stand)!);
                File.WriteAllText(stand, "");
                arg = arg.Replace(value, stand, StringComparison.Ordinal);
            }

            return arg;
        }).ToArray();
    }

    private static List<(string Path, string Secret)> MountedSecrets(Workload workload)
    {
        var secrets = Yaml.Items(workload.Pod, "volumes")
            .Where(v => Yaml.Scalar(Yaml.Child(v, "secret"), "secretName") != null)
            .ToDictionary(v => Yaml.Scalar(v, "name")!, v => Yaml.Scalar(v["secret"], "secretName")!);
        return Yaml.Items(workload.Container, "volumeMounts")
            .Where(m => secrets.ContainsKey(Yaml.Scalar(m, "name")!))
            .Select(m => (Yaml.Scalar(m, "mountPath")!, secrets[Yaml.Scalar(m, "name")!]))
            .ToList();
    }
}
