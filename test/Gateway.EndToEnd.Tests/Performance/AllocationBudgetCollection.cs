// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Performance;

/// <summary>
/// Allocation measurements count every allocation in the process (GC.GetTotalAllocatedBytes): they run alone, after
/// the parallel tests, so no other test's gateway adds to the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationBudgetCollection
{
    public const string Name = "AllocationBudget";
}
