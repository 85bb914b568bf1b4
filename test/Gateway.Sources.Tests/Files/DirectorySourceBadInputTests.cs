// SPDX-License-Identifier: Apache-2.0
using Gateway.Sources.Files;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Tests.Files;

/// <summary>What is on disk never stops the directory source: each problem is in Problems (for /status) and logged once.</summary>
public sealed class DirectorySourceBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-bad-input-").FullName;
    private readonly RecordingLogger _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Namespace(string name) => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n";

    private DirectorySource NewSource() => new(_dir, _log);

    private void Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(Random.Shared.Next(5, 500)));
    }

    public static TheoryData<string, string, string> Crashers()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in ManifestLoaderBadInputTests.Crashers)
        {
            data.Add((string)row[0], (string)row[1], (string)row[2]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Crashers))]
    public void Scan_CrasherBesideAGoodFile_ServesTheGoodFileAndNamesTheBadOne(string name, string text, string message)
    {
        Write("good.yaml", Namespace("good"));
        Write("bad.yaml", text);
        using var source = NewSource();

        var snapshot = source.Scan(force: true)!;

        snapshot.Namespaces.Should().ContainSingle(name).Which.Metadata.Name.Should().Be("good");
        source.Problems.Should().ContainSingle(name).Which.Should().StartWith("bad.yaml:").And.Contain(message);
    }

    [Fact]
    public void Scan_CrasherWrittenOverAGoodFile_KeepsItsObjectsUntilFixed()
    {
        Write("ns.yaml", Namespace("a"));
        using var source = NewSource();
        source.Scan(force: true);

        Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:");
        var snapshot = source.Scan(force: false);

        (snapshot ?? source.Scan(force: true)!).Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("a");
        source.Problems.Should().ContainSingle().Which.Should().Be("ns.yaml:1: Namespace has no metadata (metadata.name is required)");

        Write("ns.yaml", Namespace("b"));
        source.Scan(force: false)!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("b");
        source.Problems.Should().BeEmpty();
    }

    [Fact]
    public void Scan_DanglingLink_IsReportedAndClearedWhenItsTargetAppears()
    {
        Write("good.yaml", Namespace("good"));
        File.CreateSymbolicLink(Path.Combine(_dir, "link.yaml"), Path.Combine(_dir, "target.txt"));
        using var source = NewSource();

        source.Scan(force: true)!.Namespaces.Should().ContainSingle();
        source.Problems.Should().ContainSingle().Which.Should().StartWith("link.yaml: dangling symbolic link");

        Write("target.txt", Namespace("linked"));
        source.Scan(force: false)!.Namespaces.Should().HaveCount(2);
        source.Problems.Should().BeEmpty();
    }

    [Fact]
    public void Scan_SymbolicLinkLoops_AreReported()
    {
        Write("good.yaml", Namespace("good"));
        File.CreateSymbolicLink(Path.Combine(_dir, "a.yaml"), Path.Combine(_dir, "b.yaml"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b.yaml"), Path.Combine(_dir, "a.yaml"));
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "sub", "up"), _dir);
        using var source = NewSource();

        source.Scan(force: true)!.Namespaces.Should().ContainSingle();

        source.Problems.Should().HaveCount(3);
        source.Problems.Should().Contain(p => p.StartsWith("a.yaml: symbolic link loop", StringComparison.Ordinal));
        source.Problems.Should().Contain(p => p.StartsWith("b.yaml: symbolic link loop", StringComparison.Ordinal));
        source.Problems.Should().Contain(p => p.StartsWith("sub/up: symbolic link loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_LinkedDirectory_IsRead()
    {
        var elsewhere = Directory.CreateTempSubdirectory("gateway-linked-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(elsewhere, "ns.yaml"), Namespace("linked"));
            Directory.CreateSymbolicLink(Path.Combine(_dir, "shared"), elsewhere);
            using var source = NewSource();

            source.Scan(force: true)!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("linked");
            source.Problems.Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void Scan_UnreadableFile_IsReportedItsObjectsStayAndItClearsWhenReadable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Path.Combine(_dir, "ns.yaml");
        Write("ns.yaml", Namespace("a"));
        using var source = NewSource();
        source.Scan(force: true);

        // Reading /proc/self/mem from offset 0 fails with EIO, even for root (who can read any file with mode 000).
        File.Delete(path);
        File.CreateSymbolicLink(path, "/proc/self/mem");
        source.Scan(force: false);

        source.Scan(force: true)!.Namespaces.Should().ContainSingle("the file's previous objects stay in force");
        source.Problems.Should().ContainSingle().Which.Should().StartWith("ns.yaml: cannot read this file:");

        File.Delete(path);
        Write("ns.yaml", Namespace("b"));
        source.Scan(force: false)!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("b");
        source.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Scan_NamedPipeCalledYaml_DoesNotBlockTheScan()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Write("good.yaml", Namespace("good"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_dir, "pipe.yaml")))
        {
            await mkfifo.WaitForExitAsync();
            mkfifo.ExitCode.Should().Be(0);
        }

        using var source = NewSource();

        // Before the reader opened files without waiting, this scan never returned: open() of a FIFO waits for a writer.
        var scan = Task.Run(() => source.Scan(force: true));
        var snapshot = await scan.WaitAsync(TimeSpan.FromSeconds(10));

        snapshot!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("good");
    }

    [Fact]
    public async Task Scan_LinkToAnEndlessDevice_IsTooLarge_NotReadForever()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Write("good.yaml", Namespace("good"));
        File.CreateSymbolicLink(Path.Combine(_dir, "zero.yaml"), "/dev/zero");
        using var source = new DirectorySource(_dir, _log, limits: new ManifestLimits { MaxFileBytes = 1024 * 1024 });

        // /dev/zero reports size 0; before the read was capped, the scan read it until the process ran out of memory.
        var snapshot = await Task.Run(() => source.Scan(force: true)).WaitAsync(TimeSpan.FromSeconds(10));

        snapshot!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("good");
        source.Problems.Should().ContainSingle().Which.Should().Be("zero.yaml: the file is larger than the 1048576-byte limit");
    }

    [Fact]
    public async Task Scan_FilesCreatedAndDeletedDuringScans_NeverThrow()
    {
        Write("good.yaml", Namespace("good"));
        using var source = NewSource();
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var path = Path.Combine(_dir, $"churn{i % 20}.yaml");
                File.WriteAllText(path, Namespace($"churn{i % 20}"));
                File.Delete(path);
            }
        });

        for (var i = 0; i < 300; i++)
        {
            source.Invoking(s => s.Scan(force: true)).Should().NotThrow();
        }

        await stop.CancelAsync();
        await churn;
        source.Scan(force: true)!.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("good");
    }

    [Fact]
    public void Scan_SameProblemOnEveryRescan_IsLoggedOnce()
    {
        Write("bad.yaml", "kind: 5");
        File.CreateSymbolicLink(Path.Combine(_dir, "gone.yaml"), Path.Combine(_dir, "nowhere"));
        using var source = NewSource();

        for (var i = 0; i < 5; i++)
        {
            source.Scan(force: i == 0);
        }

        _log.Errors.Should().HaveCount(2, "each problem is logged when it appears, not on every 2 s rescan");
    }

    private sealed class RecordingLogger : ILogger<DirectorySource>
    {
        private readonly List<string> _errors = [];

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                lock (_errors)
                {
                    _errors.Add(formatter(state, exception));
                }
            }
        }
    }
}
