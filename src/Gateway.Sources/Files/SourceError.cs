// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Sources.Files;

/// <summary>A problem in one file, with the line it is on (1-based; 0 when the whole file is at fault).</summary>
public sealed record SourceError(string Path, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}: {Message}" : $"{Path}: {Message}";
}
