// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy.Listeners;

/// <summary>The open client connections of one socket, and the rejections not yet logged.</summary>
internal sealed class SocketConnections(string address, int port)
{
    private int _open;
    private long _rejectedSinceLog;
    private long _nextLogTimestamp;

    public string Address => address;

    public int Port => port;

    public string Name { get; } = $"{address}:{port}";

    /// <summary>Counts a new connection unless max are already open.</summary>
    public bool TryOpen(int? max)
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    public void Close() => Interlocked.Decrement(ref _open);

    /// <summary>Counts a rejection; once per interval, hands back how many there were since the last time.</summary>
    public bool RejectedAndDueForLog(long now, long interval, out long rejected)
    {
        Interlocked.Increment(ref _rejectedSinceLog);
        var due = Volatile.Read(ref _nextLogTimestamp);
        if (now < due || Interlocked.CompareExchange(ref _nextLogTimestamp, now + interval, due) != due)
        {
            rejected = 0;
            return false;
        }

        rejected = Interlocked.Exchange(ref _rejectedSinceLog, 0);
        return true;
    }
}
