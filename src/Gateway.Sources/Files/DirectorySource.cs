// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Gateway.Model;

namespace Gateway.Sources.Files;

/// <summary>
/// Watches a directory of manifests (*.yaml, *.yml, *.json, recursively). Changes are debounced and applied
/// as one new snapshot; a file that fails to parse keeps its previous objects in force until it is fixed.
/// A periodic rescan backs up the file watcher, which can miss events on some mounts.
/// </summary>
public sealed partial class DirectorySource : IResourceSource, IDisposable
{
    private readonly string _directory;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _rescanInterval;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
    private readonly ManifestSet _objects = new();
    private readonly ManifestLimits _limits;
    private volatile IReadOnlyList<string> _problems = [];

    public DirectorySource(string directory, ILogger<DirectorySource> logger,
        TimeSpan? debounce = null, TimeSpan? rescanInterval = null, ManifestLimits? limits = null)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        _limits = limits ?? ManifestLimits.Default;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(5);
        _rescanInterval = rescanInterval ?? TimeSpan.FromSeconds(2);
    }

    public IReadOnlyList<string> Problems => _problems;

    public async Task RunAsync(Func<ResourceSnapshot, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"--config-dir {_directory} does not exist");
        }

        using var watcher = Watch();
        var published = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (published)
            {
                var signalled = await _changed.WaitAsync(_rescanInterval, cancellationToken).ConfigureAwait(false);
                if (signalled)
                {
                    // Let a burst of writes settle: wait until the directory has been quiet for one debounce period.
                    while (await _changed.WaitAsync(_debounce, cancellationToken).ConfigureAwait(false))
                    {
                    }
                }
            }

            if (TryScan(force: !published) is { } snapshot)
            {
                await publish(snapshot, cancellationToken).ConfigureAwait(false);
                published = true;
            }
            else if (!published)
            {
                await Task.Delay(_rescanInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The file watcher, or null when the system has none to give (inotify limits): the periodic rescan still runs.</summary>
    private FileSystemWatcher? Watch()
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(_directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            FileSystemEventHandler onChange = (_, _) => _changed.Release();
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, _) => _changed.Release();
            watcher.Error += (_, e) => LogWatcherError(_logger, e.GetException());
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException)
        {
            watcher?.Dispose();
            LogWatcherError(_logger, e);
            return null;
        }
    }

    /// <summary>
    /// The boundary around a scan: a bug of ours in reading the directory is logged and reported in /status, the last
    /// snapshot stays live, and the next scan tries again.
    /// </summary>
    private ResourceSnapshot? TryScan(bool force)
    {
        try
        {
            return Scan(force);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogScanFailed(_logger, e);
            _problems = [.. _problems.Where(p => !p.StartsWith(ScanFailed, StringComparison.Ordinal)), $"{ScanFailed}{e.Message}"];
            return null;
        }
    }

    private const string ScanFailed = "config directory scan failed, the last config stays in force: ";

    /// <summary>
    /// Re-reads changed files; returns a new snapshot, or null when nothing changed. Nothing on disk makes it throw:
    /// a file that cannot be listed, read or parsed is a problem for /status, and its previous objects stay in force.
    /// </summary>
    internal ResourceSnapshot? Scan(bool force)
    {
        var listing = ManifestDirectory.List(_directory);
        var changed = force;
        var present = listing.Files.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _files.Keys.Where(p => !present.Contains(p) && !listing.MayHold(p)).ToList())
        {
            changed |= Forget(gone);
        }

        var unreadable = new List<SourceError>();
        foreach (var (path, problem) in listing.Problems)
        {
            unreadable.Add(new SourceError(Display(path), 0, problem));
        }

        // Reading and parsing is most of a cold start with many routes and touches nothing shared: the files are read
        // side by side, then applied in path order.
        var files = listing.Files.ToArray();
        var reads = new FileRead[files.Length];
        Parallel.For(0, files.Length, i => reads[i] = Read(files[i]));
        for (var i = 0; i < files.Length; i++)
        {
            changed |= Apply(files[i], reads[i], unreadable);
        }

        var errors = _files.Values.Where(f => f.Error is not null).Select(f => f.Error!).ToList();
        errors.AddRange(unreadable);
        var snapshot = changed ? _objects.Build(errors) : null;
        if (!changed)
        {
            errors.AddRange(_objects.Duplicates);
        }

        ReportChanges(errors);
        return snapshot;
    }

    /// <summary>Publishes the problems for /status and logs only what is new since the last scan (a rescan runs every 2 s).</summary>
    private void ReportChanges(List<SourceError> errors)
    {
        var now = errors.Select(e => e.ToString()).ToList();
        var before = _problems.ToHashSet(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            if (!before.Contains(error.ToString()))
            {
                LogBadFile(_logger, error.Path, error.Line, error.Message);
            }
        }

        var after = now.ToHashSet(StringComparer.Ordinal);
        foreach (var cleared in _problems.Where(p => !after.Contains(p)))
        {
            LogProblemCleared(_logger, cleared);
        }

        if (!before.SetEquals(after))
        {
            _problems = now;
        }
    }

    /// <summary>Drops a file that is gone; returns whether it held anything.</summary>
    private bool Forget(string path)
    {
        if (!_files.Remove(path))
        {
            return false;
        }

        _objects.Remove(path);
        return true;
    }

    /// <summary>What reading one listed file found; only reads the cache of what files looked like, so files can be read in parallel.</summary>
    private FileRead Read(string path)
    {
        var display = Display(path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new FileRead(FileReadKind.Gone); // Deleted since the listing.
            }

            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (_files.TryGetValue(path, out var cached) && cached.Stamp == stamp)
            {
                return new FileRead(FileReadKind.Unchanged);
            }

            // The size checked first saves reading a large file, but a pipe or device says 0: the reader caps it too.
            if (info.Length > _limits.MaxFileBytes || ManifestFileReader.Read(path, _limits.MaxFileBytes) is not { } text)
            {
                return new FileRead(FileReadKind.Rejected, stamp, Error: new SourceError(display, 0, $"the file is larger than the {_limits.MaxFileBytes}-byte limit"));
            }

            var loaded = ManifestLoader.Load(display, text, _limits);
            return loaded.Error is { } error
                ? new FileRead(FileReadKind.Rejected, stamp, loaded, error)
                : new FileRead(FileReadKind.Loaded, stamp, loaded);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new FileRead(FileReadKind.Gone); // Deleted between the listing and the read.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Permission denied, out of file descriptors, a read error: its previous objects stay, and it is read again
            // on the next event or rescan.
            return new FileRead(FileReadKind.Unreadable, Error: new SourceError(display, 0, $"cannot read this file: {e.Message}"));
        }
    }

    /// <summary>Applies what <see cref="Read"/> found; returns whether the objects in force may have changed.</summary>
    private bool Apply(string path, FileRead read, List<SourceError> unreadable)
    {
        foreach (var warning in read.Loaded?.Warnings ?? [])
        {
            LogWarning(_logger, warning.ToString());
        }

        switch (read.Kind)
        {
            case FileReadKind.Gone:
                return Forget(path);
            case FileReadKind.Unreadable:
                unreadable.Add(read.Error!);
                return false;
            case FileReadKind.Rejected:
                _files[path] = new CachedFile(read.Stamp, read.Error);
                return true;
            case FileReadKind.Loaded:
                _files[path] = new CachedFile(read.Stamp, null);
                _objects.Put(path, read.Loaded!.Objects);
                return true;
            default:
                return false;
        }
    }

    private string Display(string path) => Path.GetRelativePath(_directory, path);

    public void Dispose() => _changed.Dispose();

    /// <summary>What a file looked like when it was last read; a file with an error keeps its previous objects in force.</summary>
    private sealed record CachedFile((long, DateTime) Stamp, SourceError? Error);

    private enum FileReadKind
    {
        Unchanged,
        Gone,
        Unreadable,

        /// <summary>Too large, or its text has an error: its previous objects stay in force.</summary>
        Rejected,
        Loaded,
    }

    private readonly record struct FileRead(FileReadKind Kind, (long, DateTime) Stamp = default, ManifestFile? Loaded = null, SourceError? Error = null);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Config file rejected, its previous objects stay in force: {Path}:{Line}: {Problem}")]
    private static partial void LogBadFile(ILogger logger, string path, int line, string problem);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Config directory scan failed; the last config stays in force and the next scan tries again")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Config problem resolved: {Problem}")]
    private static partial void LogProblemCleared(ILogger logger, string problem);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "File watcher error; the periodic rescan continues")]
    private static partial void LogWatcherError(ILogger logger, Exception exception);
}
