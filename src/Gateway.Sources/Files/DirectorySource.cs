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
    private static readonly string[] _extensions = [".yaml", ".yml", ".json"];
    private readonly string _directory;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _rescanInterval;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
    private readonly ManifestSet _objects = new();
    private volatile IReadOnlyList<string> _problems = [];

    public DirectorySource(string directory, ILogger<DirectorySource> logger,
        TimeSpan? debounce = null, TimeSpan? rescanInterval = null)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
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

        using var watcher = new FileSystemWatcher(_directory)
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

        await publish(Scan(force: true)!, cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var signalled = await _changed.WaitAsync(_rescanInterval, cancellationToken).ConfigureAwait(false);
            if (signalled)
            {
                // Let a burst of writes settle: wait until the directory has been quiet for one debounce period.
                while (await _changed.WaitAsync(_debounce, cancellationToken).ConfigureAwait(false))
                {
                }
            }

            if (Scan(force: false) is { } snapshot)
            {
                await publish(snapshot, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Re-reads changed files; returns a new snapshot, or null when nothing changed.</summary>
    internal ResourceSnapshot? Scan(bool force)
    {
        var present = Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories)
            .Where(p => _extensions.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase))
            .Where(p => !Path.GetRelativePath(_directory, p).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();

        var changed = force;
        foreach (var gone in _files.Keys.Except(present).ToList())
        {
            _files.Remove(gone);
            _objects.Remove(gone);
            changed = true;
        }

        foreach (var path in present)
        {
            changed |= Refresh(path);
        }

        if (!changed)
        {
            return null;
        }

        var errors = _files.Values.Where(f => f.Error is not null).Select(f => f.Error!).ToList();
        var fileErrors = errors.Count;
        var snapshot = _objects.Build(errors);
        foreach (var duplicate in errors.Skip(fileErrors))
        {
            LogBadFile(_logger, duplicate.ToString());
        }

        _problems = [.. errors.Select(e => e.ToString())];
        return snapshot;
    }

    private bool Refresh(string path)
    {
        var info = new FileInfo(path);
        var stamp = (info.Length, info.LastWriteTimeUtc);
        if (_files.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            LogUnreadable(_logger, path, e.Message);
            return false; // Try again on the next event or rescan.
        }

        var display = Path.GetRelativePath(_directory, path);
        var loaded = ManifestLoader.Load(display, text);
        foreach (var warning in loaded.Warnings)
        {
            LogWarning(_logger, warning.ToString());
        }

        if (loaded.Error is not null)
        {
            LogBadFile(_logger, loaded.Error.ToString());
            _files[path] = new CachedFile(stamp, loaded.Error);
            return true;
        }

        _files[path] = new CachedFile(stamp, null);
        _objects.Put(path, loaded.Objects);
        return true;
    }

    public void Dispose() => _changed.Dispose();

    /// <summary>What a file looked like when it was last read; a file with an error keeps its previous objects in force.</summary>
    private sealed record CachedFile((long, DateTime) Stamp, SourceError? Error);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Config file rejected, its previous objects stay in force: {Problem}")]
    private static partial void LogBadFile(ILogger logger, string problem);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Cannot read {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "File watcher error; the periodic rescan continues")]
    private static partial void LogWatcherError(ILogger logger, Exception exception);
}
