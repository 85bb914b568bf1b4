// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

public enum ListenerProtocol
{
    Http,
    Https,
}
