// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;

namespace Gateway.Translation.Attachment;

internal static class LabelSelectors
{
    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector.MatchLabels is { } required && required.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value))
        {
            return false;
        }

        foreach (var expression in selector.MatchExpressions)
        {
            var has = labels.TryGetValue(expression.Key, out var value);
            var ok = expression.Operator switch
            {
                "In" => has && expression.Values.Contains(value!),
                "NotIn" => !has || !expression.Values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
