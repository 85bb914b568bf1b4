// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Gateway.Deploy.Tests;

/// <summary>There is no Docker engine here, so the Dockerfile is kept honest by reading it.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] _lines = File.ReadAllLines(RepoPaths.Of("Dockerfile"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    [Fact]
    public void Dockerfile_IsMultiStage_SdkThenAspNetRuntime()
    {
        var froms = _lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        froms.Should().HaveCount(2);
        froms[0].Should().StartWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build");
        froms[1].Should().StartWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0");
    }

    [Fact]
    public void Dockerfile_RunsAsNonRootWithGatewayEntrypoint()
    {
        var afterRuntime = _lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();

        afterRuntime.Should().Contain(l => l.StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));
        afterRuntime.Last().Should().Be("ENTRYPOINT [\"gateway\"]");
        afterRuntime.Should().Contain(l => l.StartsWith("ENV PATH=\"/app:", StringComparison.Ordinal), "the entrypoint is found on PATH");
    }

    [Fact]
    public void Dockerfile_PublishesTheProjectWhoseBinaryIsGateway()
    {
        var publish = _lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal));
        var project = PublishedProject().Match(publish).Groups[1].Value;

        File.Exists(RepoPaths.Of(project)).Should().BeTrue();
        XDocument.Load(RepoPaths.Of(project)).Descendants("AssemblyName").Single().Value.Should().Be("gateway");
        publish.Should().Contain("-o /app");
    }

    [Fact]
    public void Dockerfile_PublishesReadyToRun_ForTheRuntimeIdentifierItRestored()
    {
        var restore = _lines.Single(l => l.Contains("dotnet restore", StringComparison.Ordinal));
        var publish = _lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal));

        publish.Should().Contain("-p:PublishReadyToRun=true").And.Contain("--self-contained false", "the aspnet base image carries the runtime");
        var rid = RuntimeIdentifier().Match(publish);
        rid.Success.Should().BeTrue("ReadyToRun needs a runtime identifier");
        restore.Should().Contain(rid.Value, "publishing with --no-restore needs the assets restored for the same runtime identifier");
        publish.Should().Contain("--no-restore");
    }

    [Fact]
    public void Dockerfile_CopiesOnlyPathsThatExist_AndEveryProjectTheExeNeeds()
    {
        var sources = _lines
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();

        sources.Should().NotBeEmpty();
        foreach (var source in sources)
        {
            (File.Exists(RepoPaths.Of(source)) || Directory.Exists(RepoPaths.Of(source))).Should().BeTrue($"COPY {source} must exist");
        }

        var references = XDocument.Load(RepoPaths.Of("src/Gateway/Gateway.csproj")).Descendants("ProjectReference")
            .Select(r => "src/" + r.Attribute("Include")!.Value.Replace("..\\", "", StringComparison.Ordinal).Replace('\\', '/'));
        sources.Should().Contain(references, "the restore layer needs every project file");
    }

    [GeneratedRegex(@"-r (""[^""]+""|\S+)")]
    private static partial Regex RuntimeIdentifier();

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
