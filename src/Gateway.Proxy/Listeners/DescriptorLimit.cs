// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// The process's open-files limit (RLIMIT_NOFILE). On Linux the soft limit is raised to the hard limit at start, as
/// nginx and Envoy deployments do: the soft limit (often 1024 outside containers) is a default, not a decision.
/// Elsewhere nothing is read and nothing is capped.
/// </summary>
public static class DescriptorLimit
{
    private const int RlimitNofile = 7; // The same on every Linux architecture .NET runs on.
    private const ulong Infinity = ulong.MaxValue;

    /// <summary>Soft and hard limits after the raise; null where they cannot be read (not Linux, or the call failed).</summary>
    public static (ulong Soft, ulong Hard)? RaiseSoftToHard()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (SetRLimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (limit.Current, limit.Maximum);
    }

    /// <summary>Whether a limit is RLIM_INFINITY (no limit at all).</summary>
    public static bool IsUnlimited(ulong limit) => limit == Infinity;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    // DllImport, not LibraryImport: that generator needs unsafe code, and a blittable struct needs no marshalling.
    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit")]
    private static extern int SetRLimit(int resource, in RLimit limit);
}
