// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Gateway.Translation.Routes;

/// <summary>
/// Patterns are user input. The data plane runs them with the linear-time engine, so a pattern that engine
/// cannot compile (backreferences, lookarounds) is rejected here, with the engine's own message.
/// </summary>
internal static class RegexValidation
{
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"Regular expression \"{pattern}\" is not supported: {e.Message}";
        }
        catch (NotSupportedException e)
        {
            return $"Regular expression \"{pattern}\" is not supported: {e.Message}";
        }
    }
}
