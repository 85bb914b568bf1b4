// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// One request and what must come of it: the Service whose echo server answers (or only a status code),
/// and optionally the path and Host the backend must see.
/// </summary>
public sealed record RequestCase(string Path, string? Backend, int Status = 200)
{
    public string Host { get; init; } = "example.com";
    public string Method { get; init; } = "GET";
    public string Gateway { get; init; } = "same-namespace";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? BackendPath { get; init; }
    public string? BackendHost { get; init; }
    public string Namespace { get; init; } = ConformanceGateway.InfraNamespace;
    public int Port { get; init; } = 80;

    /// <summary>Headers the backend must (value) or must not (null) see.</summary>
    public IReadOnlyDictionary<string, string?> BackendHeaders { get; init; } = new Dictionary<string, string?>();

    /// <summary>Headers the client must (value) or must not (null) get back.</summary>
    public IReadOnlyDictionary<string, string?> ResponseHeaders { get; init; } = new Dictionary<string, string?>();

    public string? Location { get; init; }

    public override string ToString() =>
        $"{Method} {Host}{Path}{(Headers.Count == 0 ? "" : " " + string.Join(" ", Headers.Select(h => $"{h.Key}:{h.Value}")))}";

    internal async Task AssertAsync(ConformanceGateway gateway)
    {
        var response = await gateway.SendAsync(Gateway, Host, Path, Method, Headers, Port);
        response.StatusCode.Should().Be(Status, $"{this} answered {response}");
        if (Backend is not null)
        {
            response.Backend.Should().Be($"{Namespace}/{Backend}", $"{this} must reach {Backend}");
        }

        if (BackendPath is not null)
        {
            response.BackendPath.Should().Be(BackendPath);
        }

        if (BackendHost is not null)
        {
            response.BackendHost.Should().Be(BackendHost);
        }

        foreach (var (name, value) in BackendHeaders)
        {
            response.BackendHeader(name).Should().Be(value, $"the backend must see {name}: {value ?? "(absent)"} for {this}");
        }

        foreach (var (name, value) in ResponseHeaders)
        {
            response.Headers.GetValueOrDefault(name).Should().Be(value, $"the client must get {name}: {value ?? "(absent)"} for {this}");
        }

        if (Location is not null)
        {
            response.Location.Should().Be(Location);
        }
    }

    public static Dictionary<string, string> H(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[(2 * i) + 1]);

    /// <summary>Expected headers; a null value means "absent".</summary>
    public static Dictionary<string, string?> E(params string?[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i]!, i => pairs[(2 * i) + 1]);
}
