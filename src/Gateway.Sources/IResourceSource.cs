// SPDX-License-Identifier: Apache-2.0
using Gateway.Model;

namespace Gateway.Sources;

/// <summary>Where watched objects come from: a directory of manifests or the Kubernetes API.</summary>
public interface IResourceSource
{
    /// <summary>Problems with the input that users should see in /status (bad files, duplicates).</summary>
    IReadOnlyList<string> Problems { get; }

    /// <summary>Runs until cancelled, calling <paramref name="publish"/> with every new whole-world snapshot.</summary>
    Task RunAsync(Func<ResourceSnapshot, CancellationToken, Task> publish, CancellationToken cancellationToken);
}
