// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

/// <summary>How the gateway speaks TLS to the Services (ports) it targets.</summary>
public sealed record V1BackendTLSPolicy : KubernetesObject
{
    public const string KindName = "BackendTLSPolicy";

    public BackendTLSPolicySpec Spec { get; init; } = new();
}

public sealed record BackendTLSPolicySpec
{
    public ImmutableArray<PolicyTargetReference> TargetRefs { get; init; } = [];
    public BackendTLSPolicyValidation Validation { get; init; } = new();
    public ImmutableDictionary<string, string>? Options { get; init; }
}

/// <summary>A local target (the policy's namespace); sectionName is a Service port's name.</summary>
public sealed record PolicyTargetReference
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? SectionName { get; init; }
}

public sealed record BackendTLSPolicyValidation
{
    public ImmutableArray<LocalObjectReference> CaCertificateRefs { get; init; } = [];

    /// <summary>"System": the platform's trusted CAs.</summary>
    public string? WellKnownCACertificates { get; init; }

    /// <summary>Sent as SNI, and what the certificate must be for unless subjectAltNames are given.</summary>
    public string Hostname { get; init; } = "";

    public ImmutableArray<SubjectAltName> SubjectAltNames { get; init; } = [];
}

public sealed record SubjectAltName
{
    /// <summary>Hostname or URI.</summary>
    public string Type { get; init; } = "";
    public string? Hostname { get; init; }
    public string? Uri { get; init; }
}

/// <summary>Status of a policy: its conditions as seen from each ancestor (a Gateway) of the objects it targets.</summary>
public sealed record PolicyStatus
{
    public ImmutableArray<PolicyAncestorStatus> Ancestors { get; init; } = [];
}

public sealed record PolicyAncestorStatus
{
    public required ParentReference AncestorRef { get; init; }
    public required string ControllerName { get; init; }
    public ImmutableArray<Condition> Conditions { get; init; } = [];
}
