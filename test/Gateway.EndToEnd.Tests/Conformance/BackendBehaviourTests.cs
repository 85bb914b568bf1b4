// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class TimeoutFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-timeout-request.yaml", "httproute-timeout-backend-request.yaml"];
}

public sealed class WeightFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-weight.yaml"];
}

public sealed class BackendFilterFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-request-header-modifier-backend.yaml"];
}

public sealed class MirrorFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-request-mirror.yaml", "httproute-request-multiple-mirrors.yaml", "httproute-request-percentage-mirror.yaml"];
}

/// <summary>timeouts.request and timeouts.backendRequest answer 504 in time; "0s" switches them off.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteRequestTimeout")]
[ProvesFeature("HTTPRouteBackendTimeout")]
public sealed class HTTPRouteTimeoutTests(TimeoutFixture fixture) : IClassFixture<TimeoutFixture>
{
    [Theory]
    [InlineData("/request-timeout", 504)]
    [InlineData("/backend-timeout", 504)]
    [InlineData("/disable-request-timeout", 200)]
    [InlineData("/disable-backend-timeout", 200)]
    public async Task SlowBackend_IsCutOffOnlyWhenATimeoutApplies(string path, int status)
    {
        var stopwatch = Stopwatch.StartNew();
        var response = await fixture.Gateway.SendAsync("same-namespace", "example.com", path, headers: H("X-Echo-Delay", "1500"));

        response.StatusCode.Should().Be(status, response.Body);
        if (status == 504)
        {
            stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(1400), "the 500 ms timeout fires before the backend answers");
            response.Body.Should().Contain("did not answer in time");
        }
    }

    [Fact]
    public Task FastBackend_IsNotAffected() =>
        new RequestCase("/request-timeout", "infra-backend-v1").AssertAsync(fixture.Gateway);
}

/// <summary>Weights split traffic in proportion; a weight of 0 gets nothing.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class HTTPRouteWeightTests(WeightFixture fixture) : IClassFixture<WeightFixture>
{
    [Fact]
    public async Task Requests_AreSplit70To30_AndWeightZeroGetsNone()
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var response = await fixture.Gateway.SendAsync("same-namespace", "example.com", "/");
            counts[response.Backend!] = counts.GetValueOrDefault(response.Backend!) + 1;
        }

        var v1 = counts.GetValueOrDefault($"{ConformanceGateway.InfraNamespace}/infra-backend-v1");
        var v2 = counts.GetValueOrDefault($"{ConformanceGateway.InfraNamespace}/infra-backend-v2");
        counts.GetValueOrDefault($"{ConformanceGateway.InfraNamespace}/infra-backend-v3").Should().Be(0);
        (v1 + v2).Should().Be(400);
        v1.Should().BeInRange(240, 320, "70% of 400 is 280; the range is about four standard deviations");
    }
}

/// <summary>Filters on a backendRef apply only to requests sent to that backend.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteBackendRequestHeaderModification")]
public sealed class HTTPRouteBackendFilterTests(BackendFilterFixture fixture) : IClassFixture<BackendFilterFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/set", "infra-backend-v1") { Headers = H("X-Header-Set", "some-other-value"), BackendHeaders = E("X-Header-Set", "set-overwrites-values") },
        new("/add", "infra-backend-v1") { Headers = H("X-Header-Add", "some-other-value"), BackendHeaders = E("X-Header-Add", "some-other-value,add-appends-values") },
        new("/remove", "infra-backend-v1") { Headers = H("X-Header-Remove", "val"), BackendHeaders = E("X-Header-Remove", null) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task BackendRefFilter_ChangesWhatThatBackendSees(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

/// <summary>RequestMirror: mirrors receive a copy (with the route's header changes); the client's answer comes from the real backend.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteRequestMirror")]
[ProvesFeature("HTTPRouteRequestMultipleMirrors")]
[ProvesFeature("HTTPRouteRequestPercentageMirror")]
public sealed class HTTPRouteRequestMirrorTests(MirrorFixture fixture) : IClassFixture<MirrorFixture>
{
    [Theory]
    [InlineData("/mirror", new[] { "infra-backend-v2" })]
    [InlineData("/mirror-and-modify-headers", new[] { "infra-backend-v2" })]
    [InlineData("/multi-mirror", new[] { "infra-backend-v2", "infra-backend-v3" })]
    public async Task MirroredRequest_ReachesEveryMirror_AndTheClientGetsThePrimary(string path, string[] mirrors)
    {
        var unique = $"{path}?id={Guid.NewGuid():N}";

        var response = await fixture.Gateway.SendAsync("same-namespace", "example.com", unique);

        response.StatusCode.Should().Be(200);
        response.Backend.Should().Be($"{ConformanceGateway.InfraNamespace}/infra-backend-v1");
        foreach (var mirror in mirrors)
        {
            var backend = await ConformanceBackends.GetAsync(ConformanceGateway.InfraNamespace, mirror);
            await Eventually.TrueAsync(() => Task.FromResult(backend.Received.Contains($"GET {unique}")), $"{mirror} receives the mirrored request");
        }
    }

    [Fact]
    public async Task PercentageMirror_MirrorsAboutThatShare()
    {
        var mirror = await ConformanceBackends.GetAsync(ConformanceGateway.InfraNamespace, "infra-backend-v2");
        var tag = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 200; i++)
        {
            (await fixture.Gateway.SendAsync("same-namespace", "example.com", $"/percent-mirror?tag={tag}&i={i}")).StatusCode.Should().Be(200);
        }

        // Mirrors are sent in the background: wait until the count settles.
        int Count() => mirror.Received.Count(r => r.Contains(tag, StringComparison.Ordinal));
        var last = -1;
        await Eventually.TrueAsync(async () =>
        {
            var now = Count();
            var settled = now == last;
            last = now;
            await Task.Delay(100);
            return settled;
        }, "mirrored requests stop arriving");

        Count().Should().BeInRange(15, 70, "20% of 200 is 40");
    }
}
