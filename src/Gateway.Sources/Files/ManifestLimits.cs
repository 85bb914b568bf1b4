// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Sources.Files;

/// <summary>
/// Bounds on what one manifest file may make the gateway do, so no file can exhaust the stack or memory. Each is
/// checked while the file is read, before the work it would cause, and a file over one is rejected with its line.
/// </summary>
public sealed record ManifestLimits
{
    public static ManifestLimits Default { get; } = new();

    /// <summary>A file larger than this is not read (64 MiB: a 100,000-object file is about 30 MiB).</summary>
    public long MaxFileBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>One object's document, as the API server's 3 MiB request limit (a <c>kind: List</c> counts per item).</summary>
    public int MaxObjectBytes { get; init; } = 3 * 1024 * 1024;

    /// <summary>Mappings and sequences nested inside each other; Gateway API objects need about ten.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Nodes that aliases (<c>*name</c>) may add to a file by expansion; an anchor bomb reaches it within a few KB.</summary>
    public int MaxAliasNodes { get; init; } = 100_000;

    /// <summary>Objects in one file.</summary>
    public int MaxObjects { get; init; } = 200_000;
}
