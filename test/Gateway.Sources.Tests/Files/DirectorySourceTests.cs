// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Gateway.Model;
using Gateway.Sources.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sources.Tests.Files;

public sealed class DirectorySourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-source-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Namespace(string name, string labels = "") =>
        $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n{labels}";

    private static string Route(string name, string path) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: {name}
        spec:
          rules:
          - matches:
            - path:
                value: {path}
        """;

    private DirectorySource NewSource() =>
        new(_dir, NullLogger<DirectorySource>.Instance, debounce: TimeSpan.FromMilliseconds(30), rescanInterval: TimeSpan.FromMilliseconds(200));

    [Fact]
    public void Scan_BadFile_KeepsItsPreviousObjectsAndReportsIt()
    {
        var path = Path.Combine(_dir, "ns.yaml");
        File.WriteAllText(path, Namespace("a"));
        using var source = NewSource();
        source.Scan(force: true)!.Namespaces.Should().ContainSingle();

        File.WriteAllText(path, "apiVersion: v1\nkind: Namespace\nmetadata: [\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var snapshot = source.Scan(force: false)!;

        snapshot.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("a");
        source.Problems.Should().ContainSingle().Which.Should().StartWith("ns.yaml:");
    }

    [Fact]
    public void Scan_DeletedFile_RemovesItsObjects()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Namespace("a"));
        File.WriteAllText(Path.Combine(_dir, "b.yml"), Namespace("b"));
        using var source = NewSource();
        source.Scan(force: true)!.Namespaces.Should().HaveCount(2);

        File.Delete(Path.Combine(_dir, "a.yaml"));

        source.Scan(force: false)!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("b");
    }

    [Fact]
    public void Scan_Unchanged_PublishesNothing()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Namespace("a"));
        using var source = NewSource();
        source.Scan(force: true);

        source.Scan(force: false).Should().BeNull();
    }

    [Fact]
    public void Scan_Generation_StartsAtOneAndBumpsOnlyOnSpecChange()
    {
        var path = Path.Combine(_dir, "r.yaml");
        File.WriteAllText(path, Route("r", "/a"));
        using var source = NewSource();
        source.Scan(force: true)!.HTTPRoutes.Single().Metadata.Generation.Should().Be(1);

        File.WriteAllText(path, Route("r", "/a") + "\n  # a comment changes nothing\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        source.Scan(force: false)!.HTTPRoutes.Single().Metadata.Generation.Should().Be(1);

        File.WriteAllText(path, Route("r", "/b"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(10));
        source.Scan(force: false)!.HTTPRoutes.Single().Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public void Scan_ExplicitGeneration_IsKept()
    {
        File.WriteAllText(Path.Combine(_dir, "r.yaml"), Route("r", "/a").Replace("  name: r", "  name: r\n  generation: 7", StringComparison.Ordinal));
        using var source = NewSource();

        source.Scan(force: true)!.HTTPRoutes.Single().Metadata.Generation.Should().Be(7);
    }

    [Fact]
    public void Scan_DuplicateObject_IsReportedAndTheFirstWins()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Namespace("x", "  labels:\n    from: a\n"));
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Namespace("x", "  labels:\n    from: b\n"));
        using var source = NewSource();

        var snapshot = source.Scan(force: true)!;

        snapshot.Namespaces.Single().Metadata.Labels!["from"].Should().Be("a");
        source.Problems.Should().ContainSingle().Which.Should().Contain("duplicate Namespace x");
    }

    [Fact]
    public void Scan_DuplicateRemoved_TheOtherCopyComesIntoForce()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Namespace("x", "  labels:\n    from: a\n"));
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Namespace("x", "  labels:\n    from: b\n"));
        using var source = NewSource();
        source.Scan(force: true);

        File.Delete(Path.Combine(_dir, "a.yaml"));
        var snapshot = source.Scan(force: false)!;

        snapshot.Namespaces.Single().Metadata.Labels!["from"].Should().Be("b");
        source.Problems.Should().BeEmpty();
    }

    [Fact]
    public void Scan_ObjectAddedInAnotherFile_IsReportedAsDuplicateAndTheFirstStays()
    {
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Namespace("x", "  labels:\n    from: b\n"));
        using var source = NewSource();
        source.Scan(force: true);

        File.WriteAllText(Path.Combine(_dir, "c.yaml"), Namespace("x", "  labels:\n    from: c\n"));
        var snapshot = source.Scan(force: false)!;

        snapshot.Namespaces.Single().Metadata.Labels!["from"].Should().Be("b");
        source.Problems.Should().ContainSingle().Which.Should().StartWith("c.yaml:").And.Contain("duplicate Namespace x");
    }

    [Fact]
    public void Scan_ChangeInOneFile_KeepsTheOtherFilesObjectsAsTheSameInstances()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Route("a", "/a"));
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Route("b", "/b"));
        using var source = NewSource();
        var before = source.Scan(force: true)!;

        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Route("b", "/b2"));
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "b.yaml"), DateTime.UtcNow.AddSeconds(5));
        var after = source.Scan(force: false)!;

        after.HTTPRoutes.Single(r => r.Metadata.Name == "a").Should().BeSameAs(before.HTTPRoutes.Single(r => r.Metadata.Name == "a"));
        after.HTTPRoutes.Single(r => r.Metadata.Name == "b").Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public void Scan_ObjectMovedToAnotherFile_KeepsItsGeneration()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Route("r", "/a"));
        using var source = NewSource();
        source.Scan(force: true);
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Route("r", "/b"));
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "a.yaml"), DateTime.UtcNow.AddSeconds(5));
        source.Scan(force: false)!.HTTPRoutes.Single().Metadata.Generation.Should().Be(2);

        File.Delete(Path.Combine(_dir, "a.yaml"));
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Route("r", "/b"));
        var snapshot = source.Scan(force: false)!;

        snapshot.HTTPRoutes.Single().Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public async Task RunAsync_FileWritten_PublishesOneNewSnapshot()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Namespace("a"));
        using var source = NewSource();
        var published = Channel.CreateUnbounded<ResourceSnapshot>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = source.RunAsync((s, _) => published.Writer.WriteAsync(s).AsTask(), cts.Token);

        (await published.Reader.ReadAsync(cts.Token)).Namespaces.Should().ContainSingle();

        // A file written in several chunks is only read once it has settled.
        await using (var stream = File.Create(Path.Combine(_dir, "b.yaml")))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync("apiVersion: v1\nkind: Namespace\n");
            await writer.FlushAsync(cts.Token);
            await writer.WriteAsync("metadata:\n  name: b\n");
        }

        ResourceSnapshot latest;
        do
        {
            latest = await published.Reader.ReadAsync(cts.Token);
        }
        while (latest.Namespaces.Length < 2);

        latest.Namespaces.Select(n => n.Metadata.Name).Should().BeEquivalentTo(["a", "b"]);
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }
}
