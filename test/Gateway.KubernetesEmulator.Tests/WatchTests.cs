// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

public sealed class WatchTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private EmulatorClient _client = null!;

    public async Task InitializeAsync() =>
        _client = await EmulatorClient.StartAsync(new KubernetesEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Watch_FromResourceVersion_ReplaysAddedModifiedDeletedInOrder()
    {
        var from = _client.Emulator.ResourceVersion;
        var created = await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("w"));
        created["data"]!["k"] = "changed";
        await _client.OkAsync(HttpMethod.Put, ConfigMaps + "/w", created);
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other-kind" } });
        await _client.OkAsync(HttpMethod.Delete, ConfigMaps + "/w");

        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&resourceVersion={from}");
        var events = new[] { await watch.NextAsync(), await watch.NextAsync(), await watch.NextAsync() };

        events.Select(e => e["type"]!.ToString()).Should().Equal("ADDED", "MODIFIED", "DELETED");
        events.Select(e => e["object"]!["metadata"]!["name"]!.ToString()).Should().AllBe("w");
        events[1]["object"]!["data"]!["k"]!.ToString().Should().Be("changed");
        events.Select(e => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.ToString(), CultureInfo.InvariantCulture)).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_SendsCurrentStateThenLiveEvents()
    {
        await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("existing", labels: "app=x"));
        await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("filtered-out", labels: "app=y"));

        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=1&labelSelector=app%3Dx");
        var first = await watch.NextAsync();
        await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("ignored", labels: "app=y"));
        await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("live", labels: "app=x"));
        var second = await watch.NextAsync();

        first["type"]!.ToString().Should().Be("ADDED");
        first["object"]!["metadata"]!["name"]!.ToString().Should().Be("existing");
        second["type"]!.ToString().Should().Be("ADDED");
        second["object"]!["metadata"]!["name"]!.ToString().Should().Be("live");
    }

    [Fact]
    public async Task Watch_AllowWatchBookmarks_SendsBookmarkWithCurrentResourceVersion()
    {
        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={_client.Emulator.ResourceVersion}");

        var bookmark = await watch.NextAsync();

        bookmark["type"]!.ToString().Should().Be("BOOKMARK");
        bookmark["object"]!["kind"]!.ToString().Should().Be("ConfigMap");
        bookmark["object"]!["metadata"]!["resourceVersion"]!.ToString().Should().Be(_client.Emulator.ResourceVersion.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Watch_AfterCompaction_ReturnsExpiredErrorEventButListStillWorks()
    {
        var old = _client.Emulator.ResourceVersion;
        await _client.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap("c1"));
        _client.Emulator.CompactHistory();

        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&resourceVersion={old}");
        var error = await watch.NextAsync();

        error["type"]!.ToString().Should().Be("ERROR");
        error["object"]!["code"]!.GetValue<int>().Should().Be(410);
        error["object"]!["reason"]!.ToString().Should().Be("Expired");
        (await watch.EndedAsync()).Should().BeTrue();
        var list = await _client.OkAsync(HttpMethod.Get, $"{ConfigMaps}?resourceVersion={old}");
        list["items"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Watch_HistoryLimitExceeded_ReturnsExpired()
    {
        await using var small = await EmulatorClient.StartAsync(new KubernetesEmulatorOptions { HistoryLimit = 3 });
        var old = small.Emulator.ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            await small.OkAsync(HttpMethod.Post, ConfigMaps, EmulatorClient.ConfigMap($"h{i}"));
        }

        await using var watch = await WatchStream.OpenAsync(small.Http, $"{ConfigMaps}?watch=true&resourceVersion={old}");

        (await watch.NextAsync())["object"]!["code"]!.GetValue<int>().Should().Be(410);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStream()
    {
        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&timeoutSeconds=1&resourceVersion={_client.Emulator.ResourceVersion}");

        (await watch.EndedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task DropWatches_OpenStream_IsClosedAndUnregistered()
    {
        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&resourceVersion={_client.Emulator.ResourceVersion}");
        await WaitUntilAsync(() => _client.Emulator.OpenWatchCount == 1);

        _client.Emulator.DropWatches();

        (await watch.EndedAsync()).Should().BeTrue();
        await WaitUntilAsync(() => _client.Emulator.OpenWatchCount == 0);
    }

    [Fact]
    public async Task DropWatches_AbortConnections_FailsTheRead()
    {
        await using var watch = await WatchStream.OpenAsync(_client.Http, $"{ConfigMaps}?watch=true&resourceVersion={_client.Emulator.ResourceVersion}");
        await WaitUntilAsync(() => _client.Emulator.OpenWatchCount == 1);

        _client.Emulator.DropWatches(abortConnections: true);

        var read = () => watch.NextAsync();
        await read.Should().ThrowAsync<Exception>();
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should become true");
            await Task.Delay(10);
        }
    }
}

/// <summary>A watch response read line by line.</summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader) => (_response, _reader) = (response, reader);

    public static async Task<WatchStream> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new WatchStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public async Task<JsonObject> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the watch ended");
        return (JsonObject)JsonNode.Parse(line)!;
    }

    /// <summary>True when the stream ends (within 10 s) with no further event.</summary>
    public async Task<bool> EndedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _reader.ReadLineAsync(timeout.Token) is null;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
