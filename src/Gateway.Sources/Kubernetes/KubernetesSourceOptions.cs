// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Sources.Kubernetes;

/// <summary>Settings of a <see cref="KubernetesSource"/>; the defaults suit a real cluster, tests shorten them.</summary>
public sealed class KubernetesSourceOptions
{
    /// <summary>Watch only this namespace (namespaced kinds, and only this Namespace object); null watches all.</summary>
    public string? Namespace { get; init; }

    /// <summary>How long a burst of changes may settle before one snapshot is published.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Server-side watch timeout (timeoutSeconds, whole seconds, at least 1); each watch adds up to the same again as jitter.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first delay after a failed list or watch; it doubles on every further failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to look again for an optional kind whose CRD is not installed (ProxyConfig).</summary>
    public TimeSpan MissingKindRetry { get; init; } = TimeSpan.FromSeconds(30);
}
