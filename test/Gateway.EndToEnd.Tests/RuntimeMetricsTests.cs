// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

/// <summary>/metrics carries the runtime's own numbers, so memory growth can be seen where the gateway's are.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_IncludeGcHeapCollectionsAndWorkingSet()
    {
        await using var gateway = new GatewayUnderTest();
        await gateway.StartAsync();
        GC.Collect(); // the heap-size gauge reports the last collection; the host runs in this process

        var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");

        var series = metrics.Split('\n');
        series.Should().Contain(line => line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal)
            && line.Contains("gc_heap_generation=\"gen2\"", StringComparison.Ordinal), "the GC heap size is on /metrics");
        series.Should().Contain(line => line.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal), "collections are counted");
        series.Should().Contain(line => line.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal), "allocations are counted");
        series.Should().Contain(line => line.StartsWith("dotnet_process_memory_working_set_bytes", StringComparison.Ordinal), "the working set is reported");
        series.Should().Contain(line => line.StartsWith("dotnet_thread_pool_thread_count", StringComparison.Ordinal), "the thread pool is reported");
    }
}
