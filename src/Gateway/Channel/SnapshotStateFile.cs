// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Gateway.Snapshot;

namespace Gateway.Channel;

/// <summary>
/// A proxy's last applied snapshot on disk (--state-dir), so that a proxy restarted while its controller is away
/// serves what it served before. Written atomically (a temporary file in the same directory, flushed to disk, renamed
/// over the old one) with mode 0600. Serving certificates' private keys are left out unless the operator opts in
/// (--state-include-secrets); without them, HTTPS listeners wait for the controller. A file that cannot be read or
/// is of another format is logged and ignored, never fatal.
/// </summary>
public sealed partial class SnapshotStateFile(ConfigChannelOptions options, ILogger<SnapshotStateFile> logger)
{
    public const string FileName = "snapshot.json";

    /// <summary>Bumped when the file's form changes incompatibly; a file of another format is ignored.</summary>
    private const int CurrentFormat = 1;

    private static readonly JsonWriterOptions _writerOptions = new() { Indented = false };

    private string? FilePath => options.StateDir is { } dir ? Path.Combine(dir, FileName) : null;

    /// <summary>Replaces the state file with this snapshot; a failure is logged and changes nothing that serves.</summary>
    public void Save(ChannelPosition position, ProxySnapshot snapshot)
    {
        if (FilePath is not { } path)
        {
            return;
        }

        var dir = options.StateDir!;
        var temporary = Path.Combine(dir, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            CreateDirectory(dir);
            var content = new StateFileContent(CurrentFormat, position.Session, position.Version, options.StateIncludesPrivateKeys,
                options.StateIncludesPrivateKeys ? snapshot : SnapshotJson.WithoutPrivateKeys(snapshot));
            using (var stream = new FileStream(temporary, OwnerOnly(FileMode.CreateNew)))
            {
                using (var writer = new Utf8JsonWriter(stream, _writerOptions))
                {
                    JsonSerializer.Serialize(writer, content, SnapshotJson.Options);
                }

                // On disk before the rename: a crash leaves the old file or the new one, never a torn one.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            LogSaved(logger, position.ToString(), path, options.StateIncludesPrivateKeys);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            LogSaveFailed(logger, e, path);
            TryDelete(temporary);
        }
    }

    /// <summary>The saved snapshot, or null when there is none or it cannot be used (logged).</summary>
    public RestoredSnapshot? Load()
    {
        if (FilePath is not { } path)
        {
            return null;
        }

        StateFileContent? content;
        try
        {
            content = JsonSerializer.Deserialize<StateFileContent>(File.ReadAllBytes(path), SnapshotJson.Options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            LogNoState(logger, path);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnreadable(logger, path, e.Message);
            return null;
        }

        if (content is not { Format: CurrentFormat, Snapshot: not null, Session: not null })
        {
            LogUnreadable(logger, path, $"not a state file of format {CurrentFormat}");
            return null;
        }

        var snapshot = content.Snapshot with { Version = content.Version };
        var withKeys = snapshot.Certificates.Where(c => c.CertificatePem is not null && c.PrivateKeyPem is not null).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var servable = snapshot.Listeners.Where(l => l.Protocol != ListenerProtocol.Https || l.CertificateIds.All(withKeys.Contains)).ToArray();
        var withheld = snapshot.Listeners.Length - servable.Length;
        return new RestoredSnapshot(new ChannelPosition(content.Session, content.Version), withheld == 0 ? snapshot : snapshot with { Listeners = [.. servable] }, withheld);
    }

    private static void CreateDirectory(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
        }
        else
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var stream = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            stream.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return stream;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: the next save uses another name, and the file is never read.
        }
    }

    /// <summary>The file's JSON: where the snapshot came from, whether keys were kept, and the snapshot itself.</summary>
    private sealed record StateFileContent(int Format, string Session, long Version, bool PrivateKeys, ProxySnapshot Snapshot);

    [LoggerMessage(EventId = 6501, Level = LogLevel.Debug, Message = "Saved config version {Version} to {Path} (private keys included: {PrivateKeys})")]
    private static partial void LogSaved(ILogger logger, string version, string path, bool privateKeys);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Warning, Message = "Could not save the config to {Path}; a restart without the controller will start empty")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 6503, Level = LogLevel.Information, Message = "No saved config at {Path}; waiting for the controller")]
    private static partial void LogNoState(ILogger logger, string path);

    [LoggerMessage(EventId = 6504, Level = LogLevel.Warning, Message = "Ignoring the saved config at {Path} ({Reason}); waiting for the controller")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}

/// <summary>A snapshot read back from the state file; HTTPS listeners whose keys were not saved are left out of it.</summary>
public sealed record RestoredSnapshot(ChannelPosition Position, ProxySnapshot Snapshot, int WithheldTlsListeners);
