// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

public sealed class ChannelPositionTests
{
    [Theory]
    [InlineData("s", 5, true)]
    [InlineData("s", 4, false)]
    [InlineData("s", 2, false)]
    [InlineData("t", 1, true)]
    public void Supersedes_HigherVersionOfTheSession_OrAnyVersionOfAnotherSession(string session, long version, bool expected)
    {
        var serving = new ChannelPosition("s", 4);

        new ChannelPosition(session, version).Supersedes(serving).Should().Be(expected);
    }
}
