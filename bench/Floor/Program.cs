// SPDX-License-Identifier: Apache-2.0
// The floor: Kestrel and YARP's IHttpForwarder sending every request to one backend, nothing else. What a proxied
// request costs here is what it costs in Kestrel and YARP alone; the gateway's extra cost over it is ours to remove.
// No routing (app.Run, not endpoints), no metrics, no logging provider (so hosting creates no log scope per request).
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Forwarder;

if (args.Length is not (2 or 5))
{
    await Console.Error.WriteLineAsync("usage: floor LISTEN_IP:PORT BACKEND_URL [TLS_LISTEN_IP:PORT CERT.pem KEY.pem]");
    return 2;
}

var listen = IPEndPoint.Parse(args[0]);
var backend = args[1];
var tlsListen = args.Length == 5 ? IPEndPoint.Parse(args[2]) : null;
using var certificate = args.Length == 5 ? X509Certificate2.CreateFromPemFile(args[3], args[4]) : null;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false; // as the gateway
    kestrel.Listen(listen, l => l.Protocols = HttpProtocols.Http1);
    if (tlsListen is not null)
    {
        kestrel.Listen(tlsListen, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.UseHttps(certificate!);
        });
    }
});

var app = builder.Build();

// One client for every request, configured as YARP's direct-forwarding documentation recommends (without the
// tracing header propagator: nothing here traces).
using var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var requestConfig = new ForwarderRequestConfig
{
    ActivityTimeout = TimeSpan.FromSeconds(100),
    Version = HttpVersion.Version11,
    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
};
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var transformer = HttpTransformer.Default;

app.Run(Forward);
await app.RunAsync();
return 0;

// A failed forward already has its status (502/504) set by the forwarder; there is nothing to add. (Typed Task, not
// an async lambda: the ForwarderError result is dropped without a second state machine per request.)
Task Forward(HttpContext context) => forwarder.SendAsync(context, backend, client, requestConfig, transformer).AsTask();
