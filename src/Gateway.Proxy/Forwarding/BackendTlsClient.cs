// SPDX-License-Identifier: Apache-2.0
using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Proxy.Listeners;
using Gateway.Proxy.Tls;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// The clients YARP's forwarder sends with: one for plain HTTP, and one per BackendTLSPolicy setting. A TLS client
/// opens its own TLS connection (ConnectCallback) so that SNI is the policy's hostname, not the request's Host, and
/// checks the backend's certificate against the policy; the request itself goes out unchanged.
/// </summary>
internal static class BackendTlsClient
{
    private const string SubjectAltNameOid = "2.5.29.17";

    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(10),

        // gRPC calls have no idle timeout (RouteForwarder), so a backend that dies without closing its connection is
        // found by pings while a call is open, as Kestrel pings clients (Http2ServerLimits' defaults).
        KeepAlivePingDelay = Http2ServerLimits.Defaults.KeepAlivePingInterval!.Value,
        KeepAlivePingTimeout = Http2ServerLimits.Defaults.KeepAlivePingTimeout!.Value,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
    };

    /// <summary>Equal settings give equal keys, so a client outlives snapshots that keep its setting.</summary>
    public static string KeyOf(BackendTls tls, BackendProtocol protocol) =>
        string.Join('\n', [protocol.ToString(), tls.Hostname, tls.CaCertificatesPem ?? "(system)", .. tls.SubjectAltNames]);

    /// <param name="protocol">
    /// HTTP/2 clusters (gRPC backends, appProtocol kubernetes.io/h2c) offer only h2 by ALPN; the handler then speaks
    /// HTTP/2 with prior knowledge over the TLS stream, as the request config asks. Others offer only http/1.1.
    /// </param>
    /// <param name="clientCertificate">Presented to the backend (the Gateway's spec.tls.backend.clientCertificateRef).</param>
    public static HttpMessageInvoker Create(BackendTls tls, BackendProtocol protocol, X509Certificate2? clientCertificate)
    {
        List<SslApplicationProtocol> alpn = [protocol == BackendProtocol.H2c ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11];
        X509Certificate2Collection? roots = null;
        if (tls.CaCertificatesPem is { } pem)
        {
            roots = [];
            roots.ImportFromPem(pem);
        }

        var handler = CreateHandler();
        handler.ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
                await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = tls.Hostname,
                    ApplicationProtocols = alpn,
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                        certificate is X509Certificate2 presented && IsTrusted(presented, errors, roots, tls),
                }, token).ConfigureAwait(false);
                return stream;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return new HttpMessageInvoker(handler);
    }

    /// <summary>Chains to the policy's CAs (or the system's), and is for one of its names (or its hostname).</summary>
    public static bool IsTrusted(X509Certificate2 presented, SslPolicyErrors errors, X509Certificate2Collection? roots, BackendTls tls)
    {
        var chained = roots is null
            ? (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0
            : CertificateChains.ChainsTo(presented, roots);
        if (!chained)
        {
            return false;
        }

        return tls.SubjectAltNames.IsEmpty
            ? presented.MatchesHostname(tls.Hostname, allowWildcards: true, allowCommonName: false)
            : tls.SubjectAltNames.Any(name => name.StartsWith("URI:", StringComparison.Ordinal)
                ? Uris(presented).Contains(name[4..], StringComparer.Ordinal)
                : presented.MatchesHostname(name, allowWildcards: true, allowCommonName: false));
    }

    /// <summary>The certificate's URI subject alternative names (GeneralName [6]).</summary>
    private static List<string> Uris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return uris;
        }

        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var uri = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(uri))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uri));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
