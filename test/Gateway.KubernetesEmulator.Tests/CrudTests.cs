// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

public sealed class CrudTests : IAsyncLifetime
{
    private EmulatorClient _client = null!;

    public async Task InitializeAsync() => _client = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Create_Get_Update_Delete_RoundTripsWithServerFields()
    {
        var created = await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("one"));
        created["metadata"]!["uid"]!.ToString().Should().NotBeEmpty();
        created["metadata"]!["creationTimestamp"]!.ToString().Should().NotBeEmpty();
        var rv = long.Parse(created["metadata"]!["resourceVersion"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

        var fetched = await _client.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/one");
        fetched["data"]!["k"]!.ToString().Should().Be("v");

        fetched["data"]!["k"] = "w";
        var updated = await _client.OkAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/one", fetched);
        long.Parse(updated["metadata"]!["resourceVersion"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(rv);
        updated["metadata"]!["uid"]!.ToString().Should().Be(created["metadata"]!["uid"]!.ToString());

        var deleted = await _client.OkAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/one");
        deleted["data"]!["k"]!.ToString().Should().Be("w");
        var (code, _) = await _client.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/one");
        code.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_Missing_Returns404StatusWithReason()
    {
        var (code, body) = await _client.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/nope");

        code.Should().Be(HttpStatusCode.NotFound);
        body["kind"]!.ToString().Should().Be("Status");
        body["reason"]!.ToString().Should().Be("NotFound");
        body["code"]!.GetValue<int>().Should().Be(404);
        body["message"]!.ToString().Should().Be("services \"nope\" not found");
        body["details"]!["name"]!.ToString().Should().Be("nope");
    }

    [Fact]
    public async Task Create_Twice_Returns409AlreadyExists()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("dup"));

        var (code, body) = await _client.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("dup"));

        code.Should().Be(HttpStatusCode.Conflict);
        body["reason"]!.ToString().Should().Be("AlreadyExists");
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Returns409Conflict()
    {
        var created = await _client.OkAsync(HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            new JsonObject { ["metadata"] = new JsonObject { ["name"] = "lock" }, ["spec"] = new JsonObject { ["holderIdentity"] = "a" } });
        var stale = (JsonObject)created.DeepClone();
        created["spec"]!["holderIdentity"] = "b";
        await _client.OkAsync(HttpMethod.Put, "/apis/coordination.k8s.io/v1/namespaces/default/leases/lock", created);

        stale["spec"]!["holderIdentity"] = "c";
        var (code, body) = await _client.SendAsync(HttpMethod.Put, "/apis/coordination.k8s.io/v1/namespaces/default/leases/lock", stale);

        code.Should().Be(HttpStatusCode.Conflict);
        body["reason"]!.ToString().Should().Be("Conflict");
        body["message"]!.ToString().Should().Contain("the object has been modified");
    }

    [Fact]
    public async Task Patch_MergePatch_SetsAndRemovesFields()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("m", labels: "a=1,b=2"));

        var patched = await _client.OkAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/m",
            JsonNode.Parse("""{"metadata":{"labels":{"a":null,"c":"3"}},"data":{"x":"y"}}"""), "application/merge-patch+json");

        patched["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"b":"2","c":"3"}""");
        patched["data"]!.ToJsonString().Should().Be("""{"k":"v","x":"y"}""");
    }

    [Fact]
    public async Task Patch_StrategicMerge_MergesListsByKey()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", JsonNode.Parse("""
            {"metadata":{"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"https","port":443}]}}
            """));

        var patched = await _client.OkAsync(HttpMethod.Patch, "/api/v1/namespaces/default/services/svc",
            JsonNode.Parse("""{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"$patch":"delete"},{"name":"admin","port":9000}]}}"""),
            "application/strategic-merge-patch+json");

        patched["spec"]!["ports"]!.ToJsonString().Should().Be("""[{"name":"http","port":80,"targetPort":8080},{"name":"admin","port":9000}]""");
    }

    [Fact]
    public async Task Patch_JsonPatch_AppliesOperations()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("j"));

        var patched = await _client.OkAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/j",
            JsonNode.Parse("""[{"op":"add","path":"/data/z","value":"1"},{"op":"remove","path":"/data/k"}]"""), "application/json-patch+json");

        patched["data"]!.ToJsonString().Should().Be("""{"z":"1"}""");
    }

    [Fact]
    public async Task List_LabelSelector_FiltersByEqualityInequalityExistsAndSet()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("a", labels: "app=web,tier=front"));
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("b", labels: "app=web,tier=back"));
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/other/configmaps", EmulatorClient.ConfigMap("c", "other", labels: "app=db,canary=yes"));

        async Task<string[]> Names(string path) =>
            (await _client.OkAsync(HttpMethod.Get, path))["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()).ToArray();

        (await Names("/api/v1/configmaps?labelSelector=app%3Dweb")).Should().Equal("a", "b");
        (await Names("/api/v1/configmaps?labelSelector=app%3Dweb,tier!%3Dback")).Should().Equal("a");
        (await Names("/api/v1/configmaps?labelSelector=canary")).Should().Equal("c");
        (await Names("/api/v1/configmaps?labelSelector=app,!canary")).Should().Equal("a", "b");
        (await Names("/api/v1/configmaps?labelSelector=tier%20in%20(back,side)")).Should().Equal("b");
        (await Names("/api/v1/configmaps?labelSelector=app%20notin%20(web)")).Should().Equal("c");
        (await Names("/api/v1/namespaces/other/configmaps")).Should().Equal("c");
        var list = await _client.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        list["kind"]!.ToString().Should().Be("ConfigMapList");
        list["metadata"]!["resourceVersion"]!.ToString().Should().Be(_client.Emulator.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Update_Generation_BumpsOnlyOnSpecChange()
    {
        var lease = await _client.OkAsync(HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/default/leases",
            new JsonObject { ["metadata"] = new JsonObject { ["name"] = "g" }, ["spec"] = new JsonObject { ["holderIdentity"] = "a" } });
        lease["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var labelled = await _client.OkAsync(HttpMethod.Patch, "/apis/coordination.k8s.io/v1/namespaces/default/leases/g",
            JsonNode.Parse("""{"metadata":{"labels":{"x":"y"}}}"""), "application/merge-patch+json");
        labelled["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var changed = await _client.OkAsync(HttpMethod.Patch, "/apis/coordination.k8s.io/v1/namespaces/default/leases/g",
            JsonNode.Parse("""{"spec":{"holderIdentity":"b"}}"""), "application/merge-patch+json");
        changed["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
    }

    [Fact]
    public async Task Status_Subresource_IsolatesStatusFromMainResource()
    {
        await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", JsonNode.Parse("""
            {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]},"status":{"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]}}}
            """));
        var created = await _client.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/lb");
        created["status"]!.ToJsonString().Should().Be("""{"loadBalancer":{}}""", "create ignores status");

        var statusPatched = await _client.OkAsync(HttpMethod.Patch, "/api/v1/namespaces/default/services/lb/status",
            JsonNode.Parse("""{"spec":{"type":"ClusterIP"},"status":{"loadBalancer":{"ingress":[{"ip":"2.2.2.2"}]}}}"""), "application/merge-patch+json");
        statusPatched["spec"]!["type"]!.ToString().Should().Be("LoadBalancer", "a status write ignores spec");
        statusPatched["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.ToString().Should().Be("2.2.2.2");
        statusPatched["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        statusPatched["status"] = new JsonObject();
        statusPatched["spec"]!["type"] = "NodePort";
        var updated = await _client.OkAsync(HttpMethod.Put, "/api/v1/namespaces/default/services/lb", statusPatched);
        updated["spec"]!["type"]!.ToString().Should().Be("NodePort");
        updated["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.ToString().Should().Be("2.2.2.2", "a main-resource write ignores status");
        updated["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
    }

    [Fact]
    public async Task Update_NoChange_KeepsResourceVersion()
    {
        var created = await _client.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", EmulatorClient.ConfigMap("same"));

        var updated = await _client.OkAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/same", created);

        updated["metadata"]!["resourceVersion"]!.ToString().Should().Be(created["metadata"]!["resourceVersion"]!.ToString());
    }

    [Fact]
    public async Task Discovery_CoreAndGroups_ListBuiltInResources()
    {
        var api = await _client.OkAsync(HttpMethod.Get, "/api");
        api["versions"]!.AsArray().Select(v => v!.ToString()).Should().Equal("v1");
        var core = await _client.OkAsync(HttpMethod.Get, "/api/v1");
        core["resources"]!.AsArray().Select(r => r!["name"]!.ToString()).Should().Contain(["namespaces", "services", "services/status", "secrets", "configmaps", "events"]);
        var groups = await _client.OkAsync(HttpMethod.Get, "/apis");
        groups["groups"]!.AsArray().Select(g => g!["name"]!.ToString()).Should().Contain(["discovery.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io"]);
        var leases = await _client.OkAsync(HttpMethod.Get, "/apis/coordination.k8s.io/v1");
        leases["resources"]![0]!["kind"]!.ToString().Should().Be("Lease");
    }

    [Fact]
    public async Task FailRequests_NextN_Return500ThenRecover()
    {
        _client.Emulator.FailRequests(2, when: r => r.Path.StartsWithSegments("/api/v1/namespaces"));

        (await _client.SendAsync(HttpMethod.Get, "/api/v1/namespaces")).Code.Should().Be(HttpStatusCode.InternalServerError);
        (await _client.SendAsync(HttpMethod.Get, "/api")).Code.Should().Be(HttpStatusCode.OK);
        (await _client.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default")).Code.Should().Be(HttpStatusCode.InternalServerError);
        (await _client.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default")).Code.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Outage_ServiceUnavailableOrDropped_UntilEnded()
    {
        _client.Emulator.BeginOutage();
        (await _client.SendAsync(HttpMethod.Get, "/api")).Code.Should().Be(HttpStatusCode.ServiceUnavailable);

        _client.Emulator.BeginOutage(OutageMode.DropConnections);
        var dropped = () => _client.Http.GetAsync(new Uri("/api", UriKind.Relative));
        await dropped.Should().ThrowAsync<HttpRequestException>();

        _client.Emulator.EndOutage();
        (await _client.SendAsync(HttpMethod.Get, "/api")).Code.Should().Be(HttpStatusCode.OK);
    }
}
