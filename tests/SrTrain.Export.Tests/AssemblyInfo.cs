// The export tests seed libtorch's one global generator before building a network and drawing its
// inputs; run the classes one after another so no class draws between another's seed and its draw.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
