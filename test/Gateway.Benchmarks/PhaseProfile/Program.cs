// SPDX-License-Identifier: Apache-2.0
// Where one route change spends its time at scale: the directory scan, translation, status stamping and the
// route-table compile, each timed separately over many one-route changes against a large table.
// Usage: dotnet run -c Release --project test/Gateway.Benchmarks/PhaseProfile -- [routes] [changes]
using System.Diagnostics;
using Gateway.Proxy;
using Gateway.Sources.Files;
using Gateway.Status;
using Gateway.Translation;
using Microsoft.Extensions.Logging.Abstractions;

var routes = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var changes = args.Length > 1 ? int.Parse(args[1]) : 100;
var directory = Directory.CreateTempSubdirectory("phase-profile-").FullName;
try
{
    Manifests.Write(directory, routes);
    var source = new DirectorySource(directory, NullLogger<DirectorySource>.Instance);
    var options = new TranslatorOptions();
    var cache = new TranslationCache();
    var proxy = new ProxyState();
    var statuses = new StatusStore(TimeProvider.System);

    // The cold load (what start-up and a one-file apply of every route pay), stage by stage: wall and process CPU time
    // (the CPU figure holds on a busy machine), and the bytes each stage allocates.
    var stages = new List<(string Name, TimeSpan Wall, TimeSpan Cpu, long Bytes)>();
    T Stage<T>(string name, Func<T> run)
    {
        var (wall, cpu, bytes) = (Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes());
        var result = run();
        stages.Add((name, Stopwatch.GetElapsedTime(wall), Process.GetCurrentProcess().TotalProcessorTime - cpu, GC.GetTotalAllocatedBytes() - bytes));
        return result;
    }

    var first = Stage("scan", () => source.Scan(force: true)!);
    var translated = Stage("translate", () => Translator.Translate(first, options, cache));
    Stage("status", () => { statuses.Update(translated.Statuses); return 0; });
    Stage("apply", () => { proxy.Apply(translated.Snapshot); return 0; });
    Console.WriteLine($"cold load of {routes} routes: " + string.Join(", ", stages.Select(s =>
        $"{s.Name} {s.Wall.TotalMilliseconds:0} ms ({s.Cpu.TotalMilliseconds:0} ms CPU, {s.Bytes / 1024 / 1024} MB allocated)")) +
        $"; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MB, live after a full GC {GC.GetTotalMemory(forceFullCollection: true) / 1024 / 1024} MB");

    var phases = new Dictionary<string, List<double>>
    {
        ["scan"] = [], ["translate"] = [], ["status"] = [], ["apply"] = [], ["total"] = [],
    };
    var allocated = new Dictionary<string, long> { ["scan"] = 0, ["translate"] = 0, ["status"] = 0, ["apply"] = 0, ["total"] = 0 };
    var gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) * 1000 + GC.CollectionCount(2) * 1_000_000;
    for (var i = 0; i < changes * 2; i++)
    {
        var file = Path.Combine(directory, $"prop-{i / 2}.yaml");
        if (i % 2 == 0)
        {
            File.WriteAllText(file, Manifests.Route($"prop-{i / 2}", $"prop{i / 2}.example.com", $"/prop/{i / 2}", $"p{i / 2}"));
        }
        else
        {
            File.Delete(file);
        }

        var a0 = GC.GetAllocatedBytesForCurrentThread();
        var t0 = Stopwatch.GetTimestamp();
        var snapshot = source.Scan(force: false) ?? throw new InvalidOperationException("the change was not seen");
        var t1 = Stopwatch.GetTimestamp();
        var a1 = GC.GetAllocatedBytesForCurrentThread();
        var result = Translator.Translate(snapshot, options, cache);
        var t2 = Stopwatch.GetTimestamp();
        var a2 = GC.GetAllocatedBytesForCurrentThread();
        statuses.Update(result.Statuses);
        var t3 = Stopwatch.GetTimestamp();
        var a3 = GC.GetAllocatedBytesForCurrentThread();
        proxy.Apply(result.Snapshot);
        var t4 = Stopwatch.GetTimestamp();
        var a4 = GC.GetAllocatedBytesForCurrentThread();
        allocated["scan"] += a1 - a0;
        allocated["translate"] += a2 - a1;
        allocated["status"] += a3 - a2;
        allocated["apply"] += a4 - a3;
        allocated["total"] += a4 - a0;
        phases["scan"].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
        phases["translate"].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        phases["status"].Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        phases["apply"].Add(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
        phases["total"].Add(Stopwatch.GetElapsedTime(t0, t4).TotalMilliseconds);
    }

    var gcAfter = GC.CollectionCount(0) + GC.CollectionCount(1) * 1000 + GC.CollectionCount(2) * 1_000_000;
    Console.WriteLine($"{routes} routes, {changes * 2} one-route changes (add, then delete)");
    foreach (var (name, values) in phases)
    {
        values.Sort();
        Console.WriteLine($"{name,-10} p50 {Percentile(values, 50),7:0.0} ms  p90 {Percentile(values, 90),7:0.0} ms  p99 {Percentile(values, 99),7:0.0} ms  max {values[^1],7:0.0} ms  allocated {allocated[name] / values.Count / 1024.0,8:0} KB/change");
    }

    var gcs = gcAfter - gcBefore;
    Console.WriteLine($"GCs during changes: gen0 {gcs % 1000}, gen1 {gcs / 1000 % 1000}, gen2 {gcs / 1_000_000}; " +
        $"pause total {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms; heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1024 / 1024} MB");
}
finally
{
    Directory.Delete(directory, recursive: true);
}

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Round((sorted.Count - 1) * p / 100)];
