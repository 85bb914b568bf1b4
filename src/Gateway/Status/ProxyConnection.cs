// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Status;

/// <summary>What ProxyConfig status says about the data plane: its Connected condition and lastSyncTime.</summary>
public sealed record ProxyConnection(bool Connected, string Reason, string Message, DateTimeOffset? LastSync)
{
    /// <summary>The data plane runs in this process: every config change is applied as it is translated.</summary>
    public static ProxyConnection InProcess(DateTimeOffset appliedAt) =>
        new(true, "InProcess", "The data plane runs in the controller's process.", appliedAt);
}
