// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Status;

/// <summary>
/// The status one object should carry. Status is a GatewayClassStatus, GatewayStatus or RouteStatus;
/// a RouteStatus holds only the parents this controller owns (the writer keeps the others).
/// </summary>
public sealed record ObjectStatus(string ApiVersion, string Kind, string? Namespace, string Name, long? Generation, object Status);
