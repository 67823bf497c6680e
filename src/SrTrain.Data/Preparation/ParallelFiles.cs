namespace SrTrain.Data.Preparation;

/// <summary>Runs a per-file step over files on all cores, reporting progress after each file.</summary>
internal static class ParallelFiles
{
    public static void Run(string stage, IReadOnlyList<string> files, Action<string> step, Action<PrepareProgress>? progress,
                           int maxParallelism = 0)
    {
        int done = 0;
        var reportGate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount };
        progress?.Invoke(new PrepareProgress(stage, 0, files.Count, ""));
        try
        {
            Parallel.ForEach(files, options, file =>
            {
                step(file);
                int n = Interlocked.Increment(ref done);
                if (progress is not null)
                    lock (reportGate) progress(new PrepareProgress(stage, n, files.Count, file));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The first failure, as thrown (it names the file), rather than a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
