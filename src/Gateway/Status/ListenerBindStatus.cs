// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Status;

/// <summary>
/// Which Gateway listeners the data plane of this process could not bind: a run-time fact the translator cannot know.
/// The listener binder sets it; the <see cref="StatusStore"/> turns it into Programmed=False conditions. Only a process
/// that both binds and keeps status (<c>--role all</c>) has one.
/// </summary>
public sealed class ListenerBindStatus
{
    private readonly Lock _lock = new();
    private ImmutableArray<UnboundListener> _unbound = [];

    /// <summary>Raised when the set of unbound listeners (or the error of one) changes, not on every retry.</summary>
    public event Action? Changed;

    public ImmutableArray<UnboundListener> Unbound => _unbound;

    public void Set(ImmutableArray<UnboundListener> unbound)
    {
        lock (_lock)
        {
            if (unbound.SequenceEqual(_unbound))
            {
                return;
            }

            _unbound = unbound;
        }

        Changed?.Invoke();
    }
}
