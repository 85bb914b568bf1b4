// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

/// <summary>Wait-until-true, never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Timed out waiting until {what}");
    }
}
