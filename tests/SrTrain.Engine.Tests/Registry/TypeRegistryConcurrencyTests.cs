using System.Reflection;
using System.Runtime.Loader;

namespace SrTrain.Engine.Tests.Registry;

/// <summary>TypeRegistry's first discovery under load: several threads look a type up at once, as the loader workers
/// and the main loop do at the start of a run. Here, not in the Abstractions tests, because the lookups need the real
/// registered archs and losses beside the test assembly. Each round loads SrTrain.*.dll afresh into its own
/// <see cref="AssemblyLoadContext"/>, so the registry's static state is new and the race is live every round.</summary>
public class TypeRegistryConcurrencyTests
{
    /// <summary>Loads every SrTrain assembly (but the tests') from the test folder into this context, the rest from the default one.</summary>
    private sealed class FreshContext(int round) : AssemblyLoadContext($"registry-race-{round}")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is not { } n || !n.StartsWith("SrTrain.", StringComparison.Ordinal) || n.EndsWith(".Tests", StringComparison.Ordinal)) return null;
            var file = Path.Combine(AppContext.BaseDirectory, n + ".dll");
            return File.Exists(file) ? LoadFromAssemblyPath(file) : null;
        }
    }

    [Fact]
    public void ConcurrentFirstLookupsAllSeeEveryRegisteredType()
    {
        const int threads = 8, rounds = 6;
        var failures = new List<string>();
        for (int round = 0; round < rounds; round++)
        {
            var context = new FreshContext(round);
            var abstractions = context.LoadFromAssemblyName(new AssemblyName("SrTrain.Abstractions"));
            Assert.NotSame(typeof(SrTrain.Abstractions.Registry.TypeRegistry).Assembly, abstractions);
            var registry = abstractions.GetType("SrTrain.Abstractions.Registry.TypeRegistry", throwOnError: true)!;
            var kindType = abstractions.GetType("SrTrain.Abstractions.Registry.RegistryKind", throwOnError: true)!;
            var get = registry.GetMethod("Get")!;
            var list = registry.GetMethod("List")!;
            var lookups = new (object Kind, string Name)[]
            {
                (Enum.Parse(kindType, "Arch"), "MSRResNet"), (Enum.Parse(kindType, "Arch"), "RRDBNet"),
                (Enum.Parse(kindType, "Loss"), "L1Loss"), (Enum.Parse(kindType, "Model"), "SRModel"),
            };
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var (kind, name) = lookups[t % lookups.Length];
                start.SignalAndWait();
                try
                {
                    // Half the threads list, half look up by name: both must see the whole registry.
                    if (t % 2 == 0) get.Invoke(null, [kind, name, "type"]);
                    else if (((System.Collections.ICollection)list.Invoke(null, [kind, "*"])!).Count == 0)
                        throw new InvalidOperationException($"List({kind}) is empty");
                }
                catch (Exception e)
                {
                    var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                    lock (failures) failures.Add($"round {round}, thread {t} ({kind} {name}): {inner.Message}");
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
