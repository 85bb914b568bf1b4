// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Translation.Status;

internal static class Conditions
{
    public static Condition True(string type, string reason, string message, long? generation) =>
        new() { Type = type, Status = "True", Reason = reason, Message = message, ObservedGeneration = generation };

    public static Condition False(string type, string reason, string message, long? generation) =>
        new() { Type = type, Status = "False", Reason = reason, Message = message, ObservedGeneration = generation };
}
