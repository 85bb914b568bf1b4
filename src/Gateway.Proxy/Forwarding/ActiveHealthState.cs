// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>What one active health check result changed for its endpoint.</summary>
internal enum ActiveHealthChange
{
    None,
    TurnedUnhealthy,
    Recovered,
}

/// <summary>
/// The active-check verdict on one endpoint: UnhealthyThreshold failed checks in a row take it out of rotation
/// (<see cref="EndpointHealth.FailsActiveChecks"/>), HealthyThreshold passed checks in a row bring it back. One probe loop
/// feeds it, so the lock only orders a result against <see cref="Stop"/>.
/// </summary>
internal sealed class ActiveHealthState(EndpointHealth endpoint)
{
    private readonly Lock _lock = new();
    private int _failures;
    private int _passes;
    private bool _stopped;

    public EndpointHealth Endpoint => endpoint;

    /// <summary>Counts one check; returns the change it made (at most one per threshold reached).</summary>
    public ActiveHealthChange Record(bool passed, ActiveHealthCheck settings)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return ActiveHealthChange.None; // A check that ended after its endpoint stopped being checked.
            }

            if (passed)
            {
                _failures = 0;
                if (!endpoint.FailsActiveChecks || ++_passes < settings.HealthyThreshold)
                {
                    return ActiveHealthChange.None;
                }

                _passes = 0;
                endpoint.FailsActiveChecks = false;
                return ActiveHealthChange.Recovered;
            }

            _passes = 0;
            if (endpoint.FailsActiveChecks || ++_failures < settings.UnhealthyThreshold)
            {
                return ActiveHealthChange.None;
            }

            _failures = 0;
            endpoint.FailsActiveChecks = true;
            return ActiveHealthChange.TurnedUnhealthy;
        }
    }

    /// <summary>The endpoint is no longer checked: checks that stopped cannot keep it out of rotation.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            endpoint.FailsActiveChecks = false;
        }
    }
}
