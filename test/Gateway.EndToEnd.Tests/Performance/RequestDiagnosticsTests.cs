// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.EndToEnd.Tests.Performance;

/// <summary>
/// By default a proxied request gets no hosting Activity and no log scope. ASP.NET Core creates both for every request
/// when any of three things holds (HostingApplicationDiagnostics.BeginRequest): its "Microsoft.AspNetCore"
/// DiagnosticListener has a subscriber, its ActivitySource has a listener, or its hosting logger is enabled at any level.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(AllocationBudgetCollection.Name)]
public sealed class RequestDiagnosticsTests
{
    [Fact]
    public async Task ProxiedRequests_GetNoHostingActivityOrLogScope_ByDefault()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.Options.AccessLog = false;
        gateway.Options.LogLevel = "Verbose"; // even the most talkative log level keeps hosting quiet
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/", "echo")));
        await gateway.StartAsync();
        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/hello"))).EnsureSuccessStatusCode();

        var hostingLogger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        hostingLogger.IsEnabled(LogLevel.Critical).Should().BeFalse("an enabled hosting logger makes ASP.NET Core start an Activity and a log scope per request");
        gateway.Services.GetRequiredService<DiagnosticListener>().IsEnabled().Should().BeFalse("nothing subscribes to the hosting DiagnosticListener");
        gateway.Services.GetRequiredService<ActivitySource>().HasListeners().Should().BeFalse("nothing listens to the hosting ActivitySource");
    }
}
