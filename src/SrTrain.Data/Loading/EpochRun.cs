using System.Runtime.ExceptionServices;
using SrTrain.Abstractions.Contracts;

namespace SrTrain.Data.Loading;

/// <summary>The worker threads of one epoch: each takes its next batch number, waits until that batch is within the
/// prefetch window of the consumer, prepares it and publishes it (or its exception) in that batch's slot; the consumer
/// takes slots in order. With per-sample streams any worker takes the next free batch; with BasicSR's streams worker
/// w loads batches w, w + W, w + 2W, ... (PyTorch's DataLoader hands batches to its workers round-robin) drawing from
/// its own generator, reseeded every epoch as BasicSR's worker_init_fn does.</summary>
internal sealed class EpochRun : IDisposable
{
    private readonly DataLoader loader;
    private readonly int epoch;
    private readonly int firstBatch;
    private readonly int[] order;
    private readonly object gate = new();
    private readonly Dictionary<int, PreparedBatch> ready = [];
    private readonly Dictionary<int, ExceptionDispatchInfo> failed = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread[] workers;
    private int nextBatch;
    private int nextTaken;

    /// <summary>Starts the workers at batch <paramref name="firstBatch"/> (resume in the middle of an epoch).</summary>
    public EpochRun(DataLoader loader, int epoch, int firstBatch = 0)
    {
        (this.loader, this.epoch, this.firstBatch) = (loader, epoch, firstBatch);
        nextBatch = firstBatch - 1;
        nextTaken = firstBatch;
        order = loader.Order(epoch);
        workers = new Thread[loader.Options.NumWorkers];
        for (int i = 0; i < workers.Length; i++)
        {
            int worker = i;
            workers[i] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"srtrain-loader-{i}" };
            workers[i].Start();
        }
    }

    private bool BasicSRStreams => loader.Options.RandomStream == RandomStream.BasicSR;

    /// <summary>Batch <paramref name="index"/> as tensors made on the calling thread.</summary>
    public SrBatch Take(int index)
    {
        if (workers.Length == 0)
        {
            SampleRng? stream = BasicSRStreams ? loader.MainStream(epoch, index) : null;
            var inline = loader.Prepare(epoch, order, index, stream);
            if (stream is not null) loader.MainStreamAdvanced(epoch, index);
            return loader.ToBatch(epoch, index, inline);
        }
        PreparedBatch prepared;
        lock (gate)
        {
            while (!ready.ContainsKey(index) && !failed.ContainsKey(index)) Monitor.Wait(gate);
            if (failed.TryGetValue(index, out var error)) error.Throw();
            prepared = ready[index];
            ready.Remove(index);
            nextTaken = index + 1;
            Monitor.PulseAll(gate);
        }
        return loader.ToBatch(epoch, index, prepared);
    }

    private void Work(int worker)
    {
        int total = loader.BatchesPerEpoch, count = workers.Length;
        SampleRng? stream = null;
        int own = worker;
        if (BasicSRStreams)
        {
            stream = loader.WorkerStream(worker);
            // A resumed epoch: this worker's earlier batches were seen before the interruption; replay their draws.
            for (; own < firstBatch && own < total; own += count) loader.Skip(epoch, order, own, stream);
        }
        while (true)
        {
            int b;
            if (stream is not null) { b = own; own += count; }
            else b = Interlocked.Increment(ref nextBatch);
            if (b >= total) return;
            lock (gate)
            {
                while (b >= nextTaken + loader.Options.Prefetch && !stop.IsCancellationRequested) Monitor.Wait(gate);
                if (stop.IsCancellationRequested) return;
            }
            try
            {
                var prepared = loader.Prepare(epoch, order, b, stream);
                lock (gate) { ready[b] = prepared; Monitor.PulseAll(gate); }
            }
            catch (Exception e)
            {
                // Published in the batch's slot, so the consumer sees it in order; other workers stop.
                lock (gate) { failed[b] = ExceptionDispatchInfo.Capture(e); Monitor.PulseAll(gate); }
                Stop();
                return;
            }
        }
    }

    private void Stop()
    {
        stop.Cancel();
        lock (gate) Monitor.PulseAll(gate);
    }

    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        Stop();
        // A worker blocked in a read that never returns (a hung network mount: the stall watchdog's case) is left
        // behind rather than hanging the caller; workers are background threads, so it does not keep the process alive.
        var deadline = DateTime.UtcNow + JoinTimeout;
        bool joined = true;
        foreach (var w in workers) joined &= w.Join(Max(deadline - DateTime.UtcNow, TimeSpan.Zero));
        if (!joined) return;   // a late worker must still find its token
        stop.Dispose();
    }
}
