// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;
using global::Grpc.Net.Client;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>gRPC through an HTTPS listener: the client gets h2 by ALPN, and unary and bidirectional calls pass through.</summary>
[Trait("Category", "EndToEnd")]
public sealed class GrpcHttpsTests
{
    private const string ServerName = "grpc.example.com";

    [Fact]
    public async Task HttpsListener_NegotiatesH2ByAlpn_AndHttp11ForClientsThatOfferOnlyThat()
    {
        await using var https = await StartAsync();

        (await NegotiateAsync(https.Port, SslApplicationProtocol.Http2, SslApplicationProtocol.Http11)).Should().Be(SslApplicationProtocol.Http2);
        (await NegotiateAsync(https.Port, SslApplicationProtocol.Http11)).Should().Be(SslApplicationProtocol.Http11);
        (await TlsProbe.GetAsync("127.0.0.1", https.Port, ServerName, ServerName, "/nothing")).StatusCode
            .Should().Be(404, "an HTTP/1.1 client on the same HTTPS port is answered over HTTP/1.1");
    }

    [Fact]
    public async Task UnaryAndBidirectionalCalls_PassThroughOverH2()
    {
        await using var https = await StartAsync();
        var versions = new List<Version>();
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{https.Port}", new GrpcChannelOptions { HttpHandler = new VersionRecorder(versions) });
        var client = new Streaming.Streaming.StreamingClient(channel);

        using var unary = client.UnaryAsync(new Note { Text = "over tls" });
        (await unary).Should().Be(new Note { Text = "over tls", Backend = "default/grpc" });
        unary.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc unary");

        using var chat = client.Chat();
        for (var i = 1; i <= 10; i++)
        {
            await chat.RequestStream.WriteAsync(new Note { Text = $"ping {i}" });
            (await chat.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();
            chat.ResponseStream.Current.Should().Be(new Note { Text = $"ping {i}", Count = i, Backend = "default/grpc" });
        }

        await chat.RequestStream.CompleteAsync();
        (await chat.ResponseStream.MoveNext(CancellationToken.None)).Should().BeFalse();
        chat.GetStatus().StatusCode.Should().Be(StatusCode.OK);
        chat.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc chat");
        versions.Should().NotBeEmpty().And.OnlyContain(v => v == HttpVersion.Version20);
    }

    [Fact]
    public async Task BackendBehindABackendTlsPolicy_IsCalledOverH2ByAlpn()
    {
        var (caPem, certificatePem, keyPem) = TestCertificates.CreateCaAndServer("grpc-backend.example.com");
        using var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        await using var backend = await GrpcBackend.StartAsync("default/grpc-tls", X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null));
        await using var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("grpc", backend.Port), TestCertificates.CaConfigMapYaml("backend-ca", caPem),
            GrpcGateway.Route("streaming", "gateway.tests.Streaming", "grpc"),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata:
              name: grpc-tls
            spec:
              targetRefs:
              - {group: "", kind: Service, name: grpc}
              validation:
                hostname: grpc-backend.example.com
                caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]
            """));
        await gateway.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Streaming.Streaming.StreamingClient(channel);

        // The backend serves only HTTP/2 over TLS: an http/1.1 offer, or cleartext, would fail the call.
        using var unary = client.UnaryAsync(new Note { Text = "to a tls backend" });
        (await unary).Should().Be(new Note { Text = "to a tls backend", Backend = "default/grpc-tls" });
        unary.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc-tls unary");
    }

    private static async Task<HttpsGrpc> StartAsync()
    {
        var gateway = new GatewayUnderTest();
        var backend = await GrpcBackend.StartAsync("default/grpc");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.HttpsGateway("gw", port, "serving"), Manifests.Backend("grpc", backend.Port),
            GrpcGateway.Route("streaming", "gateway.tests.Streaming", "grpc")));
        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", ServerName));
        await gateway.StartAsync();
        return new HttpsGrpc(gateway, backend, port);
    }

    private static async Task<SslApplicationProtocol> NegotiateAsync(int port, params SslApplicationProtocol[] offered)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = ServerName,
            ApplicationProtocols = [.. offered],
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // A self-signed test certificate.
        });
        return tls.NegotiatedApplicationProtocol;
    }

    /// <summary>Trusts the test certificate (checked by subject), sends SNI grpc.example.com and records each response's HTTP version.</summary>
    private sealed class VersionRecorder(List<Version> versions) : DelegatingHandler(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = ServerName,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject == $"CN={ServerName}",
        },
    })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (versions)
            {
                versions.Add(response.Version);
            }

            return response;
        }
    }

    private sealed class HttpsGrpc(GatewayUnderTest gateway, GrpcBackend backend, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public async ValueTask DisposeAsync()
        {
            await gateway.DisposeAsync();
            await backend.DisposeAsync();
        }
    }
}
