// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Channel;
using Gateway.Model.Extensions;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Status;

/// <summary>
/// The latest stamped status of every object: what /status serves and what the leader writes. ProxyConfig status
/// is filled in here, not by the translator: whether proxies are connected is known only at run time. With a
/// <see cref="ProxyRegistry"/> (a controller serving the config channel) it comes from the proxies; without, the
/// data plane is in process and every update is an apply, unless the <see cref="InProcessChannel"/> refused it.
/// Listeners the in-process data plane could not bind (<see cref="ListenerBindStatus"/>) are laid over the translated
/// status here too, and a change of them restamps, so /status and the status writer see it.
/// </summary>
public sealed class StatusStore : Kubernetes.IChangeNotifier
{
    private readonly TimeProvider _time;
    private readonly ProxyRegistry? _proxies;
    private readonly InProcessChannel? _inProcessChannel;
    private readonly ListenerBindStatus? _binds;
    private readonly ConditionStamper _stamper;
    private readonly Lock _lock = new();
    private ImmutableArray<ObjectStatus> _translated = [];
    private ProxyConnection? _inProcess;
    private ImmutableArray<ObjectStatus> _current = [];

    public StatusStore(TimeProvider time, ProxyRegistry? proxies = null, InProcessChannel? inProcessChannel = null, ListenerBindStatus? binds = null)
    {
        _time = time;
        _proxies = proxies;
        _inProcessChannel = inProcessChannel;
        _binds = binds;
        _stamper = new ConditionStamper(time);
        if (proxies is not null)
        {
            proxies.Changed += Restamp;
        }

        if (inProcessChannel is not null)
        {
            inProcessChannel.Changed += Restamp;
        }

        if (binds is not null)
        {
            binds.Changed += Restamp;
        }
    }

    public ImmutableArray<ObjectStatus> Current => _current;

    /// <summary>Raised after every update (from the control loop's thread, or the config channel's).</summary>
    public event Action? Changed;

    public void Update(ImmutableArray<ObjectStatus> statuses)
    {
        lock (_lock)
        {
            _translated = statuses;
            _inProcess = ProxyConnection.InProcess(_time.GetUtcNow());
            _current = _stamper.Stamp(WithRuntimeFacts(statuses));
        }

        Changed?.Invoke();
    }

    private void Restamp()
    {
        lock (_lock)
        {
            _current = _stamper.Stamp(WithRuntimeFacts(_translated));
        }

        Changed?.Invoke();
    }

    private ImmutableArray<ObjectStatus> WithRuntimeFacts(ImmutableArray<ObjectStatus> statuses) =>
        UnboundListenerConditions.Apply(WithConnection(statuses), _binds?.Unbound ?? []);

    private ImmutableArray<ObjectStatus> WithConnection(ImmutableArray<ObjectStatus> statuses)
    {
        if (!statuses.Any(s => s.Status is ProxyConfigStatus))
        {
            return statuses;
        }

        var connection = _proxies?.Reported ?? _inProcessChannel?.Refusal ?? _inProcess!;
        var lastSync = connection.LastSync is { } t ? new DateTimeOffset(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero) : (DateTimeOffset?)null;
        return [.. statuses.Select(s => s.Status is ProxyConfigStatus proxyConfig ? s with
        {
            Status = proxyConfig with
            {
                Conditions =
                [
                    new Condition
                    {
                        Type = "Connected",
                        Status = connection.Connected ? "True" : "False",
                        Reason = connection.Reason,
                        Message = connection.Message,
                        ObservedGeneration = s.Generation,
                    },
                    .. proxyConfig.Conditions,
                ],
                LastSyncTime = lastSync,
            },
        } : s)];
    }
}
