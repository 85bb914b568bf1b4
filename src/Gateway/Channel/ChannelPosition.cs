// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Channel;

/// <summary>A snapshot's place in the channel: the controller session that made it and its version there.</summary>
public readonly record struct ChannelPosition(string Session, long Version)
{
    /// <summary>
    /// Whether a proxy serving <paramref name="applied"/> should take this snapshot: within a session only a higher
    /// version; from another session always, because a restarted controller counts from 1 again.
    /// </summary>
    public bool Supersedes(ChannelPosition applied) => Session != applied.Session || Version > applied.Version;

    public override string ToString() => $"{Version} (session {Session})";
}
