// SPDX-License-Identifier: Apache-2.0
using Gateway.EndToEnd.Tests.Grpc.Echo;
using global::Grpc.Core;
using global::Grpc.Net.Client;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// One gRPC call to the conformance echo service and what must come of it, as upstream's gRPC ExpectedResponse: the
/// status code, and for OK the method the backend saw, its namespace and the Service whose echo server answered.
/// </summary>
public sealed record GrpcCase(string Method, string? Backend, StatusCode Code = StatusCode.OK)
{
    public const string Service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    private static readonly SocketsHttpHandler _sockets = new() { UseProxy = false, EnableMultipleHttp2Connections = true };

    /// <summary>The :authority to send; null sends the Gateway's address.</summary>
    public string? Authority { get; init; }

    public string Gateway { get; init; } = "same-namespace";

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public override string ToString() =>
        $"{Authority}/{Service}/{Method}{(Metadata.Count == 0 ? "" : " " + string.Join(" ", Metadata.Select(m => $"{m.Key}:{m.Value}")))}";

    internal async Task AssertAsync(ConformanceGateway gateway)
    {
        var (code, response) = await CallAsync(gateway);
        code.Should().Be(Code, $"{this} answered {code}");
        if (Code != StatusCode.OK)
        {
            return;
        }

        response!.Assertions.FullyQualifiedMethod.Should().Be($"/{Service}/{Method}");
        response.Assertions.Context.Namespace.Should().Be(ConformanceGateway.InfraNamespace);
        response.Assertions.Context.Pod.Should().StartWith(Backend!, $"{this} must reach {Backend}");
    }

    /// <summary>Makes the call; a failed call gives its status code and no response.</summary>
    internal async Task<(StatusCode Code, EchoResponse? Response)> CallAsync(ConformanceGateway gateway)
    {
        var address = await gateway.AddressOfAsync(Gateway);
        using var channel = GrpcChannel.ForAddress($"http://{address}:80", new GrpcChannelOptions
        {
            HttpHandler = new AuthorityHandler(Authority) { InnerHandler = _sockets },
            DisposeHttpClient = false, // The socket handler is shared by every case.
        });
        var client = new GrpcEcho.GrpcEchoClient(channel);
        var headers = new Metadata();
        foreach (var (name, value) in Metadata)
        {
            headers.Add(name.ToLowerInvariant(), value);
        }

        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(10));
        try
        {
            var response = Method switch
            {
                "Echo" => await client.EchoAsync(new EchoRequest(), options),
                "EchoTwo" => await client.EchoTwoAsync(new EchoRequest(), options),
                _ => await client.EchoThreeAsync(new EchoRequest(), options),
            };
            return (StatusCode.OK, response);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, null);
        }
    }

    /// <summary>Sets :authority (HTTP/2 takes it from the Host header), as grpc-go's WithAuthority does.</summary>
    private sealed class AuthorityHandler(string? authority) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (authority is not null)
            {
                request.Headers.Host = authority;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
