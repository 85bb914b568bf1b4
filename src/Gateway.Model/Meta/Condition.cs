// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Model.Meta;

/// <summary>A metav1.Condition. The translator leaves LastTransitionTime empty; the status writer stamps it.</summary>
public sealed record Condition
{
    public required string Type { get; init; }
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public string Message { get; init; } = "";
    public long? ObservedGeneration { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
}
