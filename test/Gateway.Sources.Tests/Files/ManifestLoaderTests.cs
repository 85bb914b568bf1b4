// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Core;
using Gateway.Model.GatewayApi;
using Gateway.Sources.Files;

namespace Gateway.Sources.Tests.Files;

public sealed class ManifestLoaderTests
{
    [Fact]
    public void Load_MultiDocumentYaml_ReadsEveryKnownKind()
    {
        const string yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r
            spec:
              rules:
              - backendRefs:
                - name: web
                  port: 80
            ---
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            spec:
              ports:
              - port: 80
                targetPort: http
            """;

        var file = ManifestLoader.Load("a.yaml", yaml);

        file.Error.Should().BeNull();
        file.Objects.Should().HaveCount(2);
        var route = file.Objects[0].Object.Should().BeOfType<V1HTTPRoute>().Subject;
        route.Metadata.Namespace.Should().Be("default", "a namespaced object without a namespace lands in default, as kubectl does");
        route.Spec.Rules[0].BackendRefs[0].Port.Should().Be(80);
        var service = file.Objects[1].Object.Should().BeOfType<V1Service>().Subject;
        service.Spec.Ports[0].TargetPort.Should().Be("http");
        file.Objects[1].Line.Should().Be(12);
    }

    [Fact]
    public void Load_Json_IsAccepted()
    {
        var file = ManifestLoader.Load("a.json", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x","labels":{"team":"a"}}}""");

        file.Error.Should().BeNull();
        file.Objects.Single().Object.Should().BeOfType<V1Namespace>().Which.Metadata.Labels!["team"].Should().Be("a");
    }

    [Fact]
    public void Load_SyntaxError_ReportsPathAndLine()
    {
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n";

        var file = ManifestLoader.Load("dir/bad.yaml", yaml);

        file.Objects.Should().BeEmpty();
        file.Error.Should().NotBeNull();
        file.Error!.Path.Should().Be("dir/bad.yaml");
        file.Error.Line.Should().BeGreaterThanOrEqualTo(4);
        file.Error.ToString().Should().StartWith("dir/bad.yaml:");
    }

    [Fact]
    public void Load_WrongFieldType_FailsTheFileWithTheFieldName()
    {
        const string yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: g
            spec:
              listeners:
              - name: http
                port: eighty
                protocol: HTTP
            """;

        var file = ManifestLoader.Load("g.yaml", yaml);

        file.Error!.Message.Should().Contain("spec.listeners[0].port");
    }

    [Fact]
    public void Load_UnknownKind_IsAWarningNotAFailure()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: n
            """;

        var file = ManifestLoader.Load("mixed.yaml", yaml);

        file.Error.Should().BeNull();
        file.Objects.Should().ContainSingle();
        file.Warnings.Should().ContainSingle().Which.Message.Should().Contain("apps/v1/Deployment");
    }

    [Fact]
    public void Load_SecretStringData_IsMergedAsBase64()
    {
        const string yaml = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: s
            type: kubernetes.io/tls
            stringData:
              tls.crt: hello
            """;

        var secret = (V1Secret)ManifestLoader.Load("s.yaml", yaml).Objects.Single().Object;

        secret.Data!["tls.crt"].Should().Be(Convert.ToBase64String("hello"u8.ToArray()));
        secret.StringData.Should().BeNull();
    }

    [Fact]
    public void Load_QuotedNumber_StaysAString()
    {
        const string yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r
            spec:
              rules:
              - matches:
                - headers:
                  - name: x-version
                    value: "2"
            """;

        var route = (V1HTTPRoute)ManifestLoader.Load("r.yaml", yaml).Objects.Single().Object;

        route.Spec.Rules[0].Matches[0].Headers[0].Value.Should().Be("2");
    }

    [Fact]
    public void Load_ManyObjects_ReadsEveryValueExactly_AndRecurringValuesAreOneInstance()
    {
        var yaml = string.Join("---\n", Enumerable.Range(0, 300).Select(i => $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r{i}
              namespace: shop
            spec:
              parentRefs:
              - name: "gw-é"
              hostnames:
              - h{i}.example.com
              rules:
              - matches:
                - headers:
                  - name: x-tenant
                    value: "t{i}"

            """));

        var routes = ManifestLoader.Load("many.yaml", yaml).Objects.Select(o => (V1HTTPRoute)o.Object).ToList();

        routes.Should().HaveCount(300);
        for (var i = 0; i < routes.Count; i++)
        {
            routes[i].Metadata.Name.Should().Be($"r{i}");
            routes[i].Spec.Hostnames.Should().Equal($"h{i}.example.com");
            routes[i].Spec.ParentRefs[0].Name.Should().Be("gw-é");
            routes[i].Spec.Rules[0].Matches[0].Headers[0].Value.Should().Be($"t{i}");
        }

        // Pooled, not one copy per object: a namespace or a header name shared by 10,000 routes costs one string.
        routes.Select(r => r.Metadata.Namespace).Distinct(ReferenceEqualityComparer.Instance).Should().HaveCountLessThan(5);
        routes.Select(r => r.Spec.Rules[0].Matches[0].Headers[0].Name).Distinct(ReferenceEqualityComparer.Instance).Should().HaveCountLessThan(5);
    }
}
