// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

/// <summary>A started emulator plus a raw HTTP client, for tests that assert on the wire.</summary>
internal sealed class EmulatorClient : IAsyncDisposable
{
    private EmulatorClient(KubernetesEmulator emulator)
    {
        Emulator = emulator;
        Http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public KubernetesEmulator Emulator { get; }

    public HttpClient Http { get; }

    public static async Task<EmulatorClient> StartAsync(KubernetesEmulatorOptions? options = null)
    {
        var emulator = new KubernetesEmulator(options);
        await emulator.StartAsync();
        return new EmulatorClient(emulator);
    }

    public async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"not an object: {text}"));
    }

    public async Task<JsonObject> OkAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        var (code, json) = await SendAsync(method, path, body, contentType);
        ((int)code).Should().BeInRange(200, 201, json.ToJsonString());
        return json;
    }

    public static JsonObject ConfigMap(string name, string ns = "default", string? labels = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = labels is null ? null : new JsonObject(labels.Split(',').Select(l => l.Split('=')).Select(p => KeyValuePair.Create(p[0], (JsonNode?)p[1]))),
        },
        ["data"] = new JsonObject { ["k"] = "v" },
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
