// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Observability;

/// <summary>
/// Tests that change what the whole process shares (Console.Out, OTEL_* environment variables) run alone, after the
/// parallel tests, so no other test's gateway writes into the capture or picks up the exporter settings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "ProcessWide";
}
