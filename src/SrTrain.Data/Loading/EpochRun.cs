using System.Runtime.ExceptionServices;
using SrTrain.Abstractions.Contracts;

namespace SrTrain.Data.Loading;

/// <summary>The worker threads of one epoch: each takes the next batch number once a prefetch slot is free,
/// prepares it and publishes it (or its exception) in that batch's slot; the consumer takes slots in order.</summary>
internal sealed class EpochRun : IDisposable
{
    private readonly DataLoader loader;
    private readonly int epoch;
    private readonly int[] order;
    private readonly object gate = new();
    private readonly Dictionary<int, PreparedBatch> ready = [];
    private readonly Dictionary<int, ExceptionDispatchInfo> failed = [];
    private readonly SemaphoreSlim slots;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread[] workers;
    private int nextBatch = -1;

    /// <summary>Starts the workers at batch <paramref name="firstBatch"/> (resume in the middle of an epoch).</summary>
    public EpochRun(DataLoader loader, int epoch, int firstBatch = 0)
    {
        (this.loader, this.epoch) = (loader, epoch);
        nextBatch = firstBatch - 1;
        order = loader.Order(epoch);
        slots = new SemaphoreSlim(loader.Options.Prefetch);
        workers = new Thread[loader.Options.NumWorkers];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"srtrain-loader-{i}" };
            workers[i].Start();
        }
    }

    /// <summary>Batch <paramref name="index"/> as tensors made on the calling thread.</summary>
    public SrBatch Take(int index)
    {
        if (workers.Length == 0) return loader.ToBatch(epoch, index, loader.Prepare(epoch, order, index));
        PreparedBatch prepared;
        lock (gate)
        {
            while (!ready.ContainsKey(index) && !failed.ContainsKey(index)) Monitor.Wait(gate);
            if (failed.TryGetValue(index, out var error)) error.Throw();
            prepared = ready[index];
            ready.Remove(index);
        }
        slots.Release();
        return loader.ToBatch(epoch, index, prepared);
    }

    private void Work()
    {
        int total = loader.BatchesPerEpoch;
        while (true)
        {
            try { slots.Wait(stop.Token); }
            catch (OperationCanceledException) { return; }
            int b = Interlocked.Increment(ref nextBatch);
            if (b >= total) return;
            try
            {
                var prepared = loader.Prepare(epoch, order, b);
                lock (gate) { ready[b] = prepared; Monitor.PulseAll(gate); }
            }
            catch (Exception e)
            {
                // Published in the batch's slot, so the consumer sees it in order; other workers stop.
                lock (gate) { failed[b] = ExceptionDispatchInfo.Capture(e); Monitor.PulseAll(gate); }
                stop.Cancel();
                return;
            }
        }
    }

    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        stop.Cancel();
        // A worker blocked in a read that never returns (a hung network mount: the stall watchdog's case) is left
        // behind rather than hanging the caller; workers are background threads, so it does not keep the process alive.
        var deadline = DateTime.UtcNow + JoinTimeout;
        bool joined = true;
        foreach (var w in workers) joined &= w.Join(Max(deadline - DateTime.UtcNow, TimeSpan.Zero));
        if (!joined) return;   // a late worker must still find its semaphore and token
        stop.Dispose();
        slots.Dispose();
    }
}
