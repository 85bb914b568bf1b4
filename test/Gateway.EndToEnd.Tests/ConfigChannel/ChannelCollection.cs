// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>
/// Tests whose hosts export the config channel's meters run one at a time: every host in the process listens to
/// every meter of the same name, so two tests' proxies would count each other's snapshots.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChannelCollection
{
    public const string Name = "Config channel meters";
}
