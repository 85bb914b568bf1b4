// SPDX-License-Identifier: Apache-2.0
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Upstream;

/// <summary>The HTTP/1.1 client's failure, where YARP's forwarder puts its own, so one error path reads both.</summary>
internal sealed class Http1ErrorFeature(ForwarderError error, Exception exception) : IForwarderErrorFeature
{
    public ForwarderError Error => error;

    public Exception? Exception => exception;
}
