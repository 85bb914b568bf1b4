// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Translation.Status;

namespace Gateway.Status;

/// <summary>The latest stamped status of every object: what /status serves and what the leader writes.</summary>
public sealed class StatusStore(TimeProvider time) : Kubernetes.IChangeNotifier
{
    private readonly ConditionStamper _stamper = new(time);
    private readonly Lock _lock = new();
    private ImmutableArray<ObjectStatus> _current = [];

    public ImmutableArray<ObjectStatus> Current => _current;

    /// <summary>Raised after every update (from the control loop's thread).</summary>
    public event Action? Changed;

    public void Update(ImmutableArray<ObjectStatus> statuses)
    {
        lock (_lock)
        {
            _current = _stamper.Stamp(statuses);
        }

        Changed?.Invoke();
    }
}
