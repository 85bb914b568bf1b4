// SPDX-License-Identifier: Apache-2.0
using Gateway.EndToEnd.Tests.Grpc.Echo;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>The conformance echo service: says which backend answered and what it saw. EchoThree stays unimplemented.</summary>
internal sealed class EchoService(BackendName name) : GrpcEcho.GrpcEchoBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(Answer(context));

    public override Task<EchoResponse> EchoTwo(EchoRequest request, ServerCallContext context) => Task.FromResult(Answer(context));

    private EchoResponse Answer(ServerCallContext context)
    {
        var separator = name.Value.IndexOf('/', StringComparison.Ordinal);
        var assertions = new Assertions
        {
            FullyQualifiedMethod = context.Method,
            Authority = context.Host,
            Context = new Context { Namespace = name.Value[..separator], ServiceName = name.Value[(separator + 1)..], Pod = $"{name.Value[(separator + 1)..]}-0" },
        };
        assertions.Headers.AddRange(context.RequestHeaders.Select(h => new Header { Key = h.Key, Value = h.IsBinary ? "" : h.Value }));
        return new EchoResponse { Assertions = assertions };
    }
}
