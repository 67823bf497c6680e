using System.Collections.Concurrent;
using System.Globalization;

namespace SrTrain.Abstractions.Contracts;

/// <summary>What each training thread is doing right now (the main loop, each loader worker), so the stall
/// watchdog can say where a run hangs without a debugger. Threads post a line when they start a piece of work and
/// clear it when done; posting costs a dictionary write, cheap beside decoding one image.</summary>
public static class ActivityBoard
{
    private static readonly ConcurrentDictionary<int, (string Thread, string What, DateTime Since)> Entries = new();

    /// <summary>Records that the calling thread is doing <paramref name="what"/> from now on, under <paramref name="who"/>
    /// (default: the thread's name).</summary>
    public static void Post(string what, string? who = null)
    {
        var t = Thread.CurrentThread;
        Entries[t.ManagedThreadId] = (who ?? t.Name ?? $"thread {t.ManagedThreadId}", what, DateTime.UtcNow);
    }

    /// <summary>Records that the calling thread is idle.</summary>
    public static void Clear() => Entries.TryRemove(Environment.CurrentManagedThreadId, out _);

    /// <summary>One line per busy thread: name, activity and for how long, longest first.</summary>
    public static IReadOnlyList<string> Snapshot()
    {
        var now = DateTime.UtcNow;
        return Entries.Values.OrderBy(e => e.Since)
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Thread}: {e.What} (for {(now - e.Since).TotalSeconds:F1} s)"))
            .ToList();
    }
}
