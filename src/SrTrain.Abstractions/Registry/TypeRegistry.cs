using System.Reflection;

namespace SrTrain.Abstractions.Registry;

/// <summary>Finds registered types by <c>type:</c> name. On first use it scans every loaded assembly
/// and every <c>SrTrain.*.dll</c> beside the application (the engine references neither Archs nor
/// Data at compile time), so a research user adds an arch by writing one class with one attribute.</summary>
public static class TypeRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(RegistryKind, string), RegisteredType> Types = [];
    private static readonly HashSet<Assembly> Scanned = [];
    private static bool discovered;

    /// <summary>Registers the attributed types of <paramref name="assembly"/> (idempotent).</summary>
    public static void Register(Assembly assembly)
    {
        lock (Gate)
        {
            if (!Scanned.Add(assembly)) return;
            Type?[] types;
            try { types = assembly.GetTypes(); }
            catch (ReflectionTypeLoadException e) { types = e.Types; }
            foreach (var type in types)
            {
                if (type is null) continue;
                foreach (var attr in type.GetCustomAttributes<RegisteredAttribute>(inherit: false))
                {
                    var key = (attr.Kind, attr.Name);
                    if (Types.TryGetValue(key, out var existing) && existing.Type != type)
                        throw new InvalidOperationException(
                            $"{attr.Kind} '{attr.Name}' is registered twice: {existing.Type.FullName} and {type.FullName}");
                    Types[key] = new RegisteredType(attr.Kind, attr.Name, type);
                }
            }
        }
    }

    /// <summary>Loads the SrTrain assemblies beside the application and registers every loaded one, once. All of it
    /// runs under the lock, and other threads wait on it: a thread that found discovery begun but not finished used to
    /// look types up in a half-filled registry ("registered: (none)"). The flag is set first only so that a lookup
    /// made on the discovering thread itself (an assembly's initialiser) does not recurse.</summary>
    private static void Discover()
    {
        lock (Gate)
        {
            if (discovered) return;
            discovered = true;
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "SrTrain.*.dll"))
            {
                var name = AssemblyName.GetAssemblyName(file);
                if (name.Name is { } n && (n.EndsWith(".Tests") || n == "SrTrain.TestSupport")) continue;
                try { Assembly.Load(name); }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException) { }
            }
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                if (assembly.GetName().Name?.StartsWith("SrTrain") ?? false)
                    Register(assembly);
        }
    }

    /// <summary>All registered types of a kind whose name matches <paramref name="pattern"/> ('*' wildcard,
    /// case-insensitive), sorted by name.</summary>
    public static IReadOnlyList<RegisteredType> List(RegistryKind kind, string pattern = "*")
    {
        Discover();
        var regex = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        lock (Gate)
            return Types.Values.Where(t => t.Kind == kind && regex.IsMatch(t.Name)).OrderBy(t => t.Name).ToList();
    }

    /// <summary>The type registered as <paramref name="name"/>; an unknown name is an error listing
    /// the valid ones and the nearest.</summary>
    public static RegisteredType Get(RegistryKind kind, string name, string where = "type")
    {
        Discover();
        lock (Gate)
        {
            if (Types.TryGetValue((kind, name), out var t)) return t;
            var names = Types.Keys.Where(k => k.Item1 == kind).Select(k => k.Item2).OrderBy(n => n).ToList();
            throw new OptionException(
                $"{where}: unknown {kind.ToString().ToLowerInvariant()} type '{name}'{NameMatching.Suggestion(name, names)}; " +
                $"registered: {(names.Count == 0 ? "(none)" : string.Join(", ", names))}");
        }
    }

    /// <summary>Builds the type named by the section's <c>type</c> key (see <see cref="RegisteredType.Create"/>).</summary>
    public static T Create<T>(RegistryKind kind, IEnumerable<KeyValuePair<string, object?>> section, string where,
                              IReadOnlyDictionary<string, object?>? injected = null, IReadOnlySet<string>? ignoredKeys = null)
    {
        var pairs = section.ToList();
        var typeName = pairs.FirstOrDefault(p => p.Key == "type").Value as string
                       ?? throw new OptionException($"{where}: missing 'type'");
        var registered = Get(kind, typeName, $"{where}.type");
        var instance = registered.Create(pairs, where, injected, ignoredKeys);
        return instance is T typed
            ? typed
            : throw new OptionException($"{where}: {typeName} is a {registered.Type.Name}, not a {typeof(T).Name}");
    }
}
