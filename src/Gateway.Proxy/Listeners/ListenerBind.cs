// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy.Listeners;

/// <summary>One socket the data plane listens on; TLS when any listener on it is HTTPS.</summary>
public readonly record struct ListenerBind(string Address, int Port, bool Tls) : IComparable<ListenerBind>
{
    public int CompareTo(ListenerBind other)
    {
        var c = string.CompareOrdinal(Address, other.Address);
        return c != 0 ? c : Port != other.Port ? Port.CompareTo(other.Port) : Tls.CompareTo(other.Tls);
    }

    public string Url => $"{(Tls ? "https" : "http")}://{(Address.Contains(':') ? $"[{Address}]" : Address)}:{Port}";
}
