// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Status;

/// <summary>Condition types, spelled as the Gateway API spells them.</summary>
public static class ConditionType
{
    public const string Accepted = "Accepted";
    public const string Programmed = "Programmed";
    public const string ResolvedRefs = "ResolvedRefs";
    public const string Conflicted = "Conflicted";
    public const string SupportedVersion = "SupportedVersion";
    public const string InsecureFrontendValidationMode = "InsecureFrontendValidationMode";
}
