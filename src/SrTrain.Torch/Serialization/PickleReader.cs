using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SrTrain.Torch.Serialization;

/// <summary>What a pickle may construct: the host resolves globals, calls them (REDUCE / NEWOBJ),
/// applies BUILD state and loads persistent ids. Anything it does not know it rejects, so a
/// checkpoint can never run arbitrary code (unlike Python's pickle).</summary>
internal interface IPickleHost
{
    object ResolveGlobal(string module, string name);
    object? Call(object callable, object?[] args);
    void Build(object? target, object? state);
    object? PersistentLoad(object? pid);
}

/// <summary>A pickle virtual machine for protocols 0-5 over the data subset PyTorch checkpoints use:
/// None, bools, ints of any size, floats, str, bytes, tuples (object?[]), lists (List&lt;object?&gt;),
/// dicts (OrderedDictionary&lt;object, object?&gt;), sets and whatever the host builds.</summary>
internal sealed class PickleReader(Stream stream, string file, IPickleHost host)
{
    private readonly Dictionary<long, object?> memo = [];
    private readonly Stack<List<object?>> metastack = new();
    private List<object?> stack = [];
    private long opcodeAt;

    /// <summary>Reads one pickle (up to and including STOP) and returns its object.</summary>
    public object? Load()
    {
        stack = [];
        metastack.Clear();
        try
        {
            while (true)
            {
                opcodeAt = stream.Position;
                int op = stream.ReadByte();
                if (op < 0) throw Fail("the file ends inside a pickle (truncated?)");
                if (op == '.') return Pop();
                Execute((byte)op);
            }
        }
        catch (EndOfStreamException)
        {
            throw Fail("the file ends inside a pickle (truncated?)");
        }
        catch (CheckpointFormatException) { throw; }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw Fail($"malformed pickle ({e.Message})", e);
        }
    }

    private CheckpointFormatException Fail(string problem, Exception? inner = null) =>
        new(file, $"{problem} at byte {opcodeAt}", inner);

    private void Execute(byte op)
    {
        switch (op)
        {
            case 0x80: ReadByte(); break;                                   // PROTO
            case 0x95: ReadBytes(8); break;                                 // FRAME: only a length hint
            case (byte)'(': metastack.Push(stack); stack = []; break;       // MARK
            case (byte)'0': Pop(); break;                                   // POP
            case (byte)'1': PopMark(); break;                               // POP_MARK
            case (byte)'2': Push(stack[^1]); break;                         // DUP
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;                                   // NEWTRUE
            case 0x89: Push(false); break;                                  // NEWFALSE
            case (byte)'K': Push((long)ReadByte()); break;                  // BININT1
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case 0x8a: Push(DecodeLong(ReadBytes(ReadByte()))); break;      // LONG1
            case 0x8b: Push(DecodeLong(ReadBytes(ReadLength4()))); break;   // LONG4
            case (byte)'I': Push(ParseTextInt(ReadLine())); break;          // INT (protocol 0)
            case (byte)'L': Push(Normalize(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); break;
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
            case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break;
            case (byte)'X': Push(Utf8(ReadBytes(ReadLength4()))); break;    // BINUNICODE
            case 0x8c: Push(Utf8(ReadBytes(ReadByte()))); break;            // SHORT_BINUNICODE
            case 0x8d: Push(Utf8(ReadBytes(ReadLength8()))); break;         // BINUNICODE8
            case (byte)'U': Push(Latin1(ReadBytes(ReadByte()))); break;     // SHORT_BINSTRING (py2 str)
            case (byte)'T': Push(Latin1(ReadBytes(ReadLength4()))); break;  // BINSTRING
            case (byte)'C': Push(ReadBytes(ReadByte())); break;             // SHORT_BINBYTES
            case (byte)'B': Push(ReadBytes(ReadLength4())); break;          // BINBYTES
            case 0x8e: Push(ReadBytes(ReadLength8())); break;               // BINBYTES8
            case 0x96: Push(ReadBytes(ReadLength8())); break;               // BYTEARRAY8
            case (byte)')': Push(Array.Empty<object?>()); break;            // EMPTY_TUPLE
            case 0x85: Push(new[] { Pop() }); break;                        // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
            case (byte)'t': Push(PopMark().ToArray()); break;               // TUPLE
            case (byte)']': Push(new List<object?>()); break;               // EMPTY_LIST
            case (byte)'l': Push(PopMark()); break;                         // LIST
            case (byte)'a': { var v = Pop(); AsList(stack[^1]).Add(v); break; }   // APPEND
            case (byte)'e': { var items = PopMark(); AsList(stack[^1]).AddRange(items); break; } // APPENDS
            case (byte)'}': Push(new OrderedDictionary<object, object?>()); break; // EMPTY_DICT
            case (byte)'d': { var items = PopMark(); var d = new OrderedDictionary<object, object?>(); SetItems(d, items); Push(d); break; }
            case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(AsDict(stack[^1]), k, v); break; } // SETITEM
            case (byte)'u': { var items = PopMark(); SetItems(AsDict(stack[^1]), items); break; }       // SETITEMS
            case 0x8f: Push(new HashSet<object?>()); break;                 // EMPTY_SET
            case 0x90: { var items = PopMark(); AsSet(stack[^1]).UnionWith(items); break; } // ADDITEMS
            case 0x91: Push(new HashSet<object?>(PopMark())); break;        // FROZENSET
            case (byte)'q': memo[ReadByte()] = stack[^1]; break;            // BINPUT
            case (byte)'r': memo[ReadLength4()] = stack[^1]; break;         // LONG_BINPUT
            case (byte)'p': memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = stack[^1]; break; // PUT
            case 0x94: memo[memo.Count] = stack[^1]; break;                 // MEMOIZE
            case (byte)'h': Push(Memo(ReadByte())); break;                  // BINGET
            case (byte)'j': Push(Memo(ReadLength4())); break;               // LONG_BINGET
            case (byte)'g': Push(Memo(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break; // GET
            case (byte)'c':                                                 // GLOBAL
            {
                var module = ReadLine();
                var name = ReadLine();
                Push(Resolve(module, name));
                break;
            }
            case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; Push(Resolve(module, name)); break; } // STACK_GLOBAL
            case (byte)'R':                                                 // REDUCE
            case 0x81:                                                      // NEWOBJ
            {
                var args = Pop() as object?[] ?? throw Fail($"{OpName(op)} expects an argument tuple");
                var callable = Pop() ?? throw Fail($"{OpName(op)} on None");
                Push(Call(callable, args));
                break;
            }
            case (byte)'b': { var state = Pop(); host.Build(stack[^1], state); break; } // BUILD
            case (byte)'Q': Push(host.PersistentLoad(Pop())); break;        // BINPERSID
            case (byte)'P': Push(host.PersistentLoad(ReadLine())); break;   // PERSID
            default:
                throw Fail($"unsupported pickle opcode {OpName(op)} (0x{op:x2}); only the data subset of pickle that PyTorch checkpoints use is read");
        }
    }

    private object Resolve(string module, string name)
    {
        try { return host.ResolveGlobal(module, name); }
        catch (NotSupportedException e) { throw Fail(e.Message, e); }
    }

    private object? Call(object callable, object?[] args)
    {
        try { return host.Call(callable, args); }
        catch (CheckpointFormatException) { throw; }
        catch (Exception e) when (e is NotSupportedException or InvalidCastException or ArgumentException or InvalidDataException)
        {
            throw Fail($"cannot rebuild {callable}: {e.Message}", e);
        }
    }

    private static string OpName(byte op) => op switch
    {
        (byte)'R' => "REDUCE",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x82 or 0x83 or 0x84 => "EXT",
        (byte)'S' => "STRING",
        (byte)'V' => "UNICODE",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        _ => op is >= 0x20 and < 0x7f ? $"'{(char)op}'" : "unknown",
    };

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0) throw Fail("pickle stack underflow");
        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private List<object?> PopMark()
    {
        if (metastack.Count == 0) throw Fail("pickle has no MARK to pop to");
        var items = stack;
        stack = metastack.Pop();
        return items;
    }

    private object? Memo(long index) =>
        memo.TryGetValue(index, out var v) ? v : throw Fail($"pickle refers to memo entry {index}, which was never stored");

    private List<object?> AsList(object? o) => o as List<object?> ?? throw Fail($"APPEND to a {TypeName(o)}, not a list");
    private HashSet<object?> AsSet(object? o) => o as HashSet<object?> ?? throw Fail($"ADDITEMS to a {TypeName(o)}, not a set");
    private OrderedDictionary<object, object?> AsDict(object? o) =>
        o as OrderedDictionary<object, object?> ?? throw Fail($"SETITEM on a {TypeName(o)}, not a dict");

    private static string TypeName(object? o) => o?.GetType().Name ?? "None";

    private void SetItems(OrderedDictionary<object, object?> d, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Fail("SETITEMS with an odd number of items");
        for (int i = 0; i < items.Count; i += 2) SetItem(d, items[i], items[i + 1]);
    }

    private void SetItem(OrderedDictionary<object, object?> d, object? key, object? value) =>
        d[key ?? throw Fail("dict key None is not supported")] = value;

    private int ReadByte()
    {
        int b = stream.ReadByte();
        return b < 0 ? throw new EndOfStreamException() : b;
    }

    private byte[] ReadBytes(long count)
    {
        if (count < 0 || count > stream.Length - stream.Position) throw new EndOfStreamException();
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private long ReadLength4() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private long ReadLength8()
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        return n > long.MaxValue ? throw new EndOfStreamException() : (long)n;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n') break;
            bytes.Add((byte)b);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r') bytes.RemoveAt(bytes.Count - 1);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static object ParseTextInt(string text) => text switch
    {
        "00" => false,      // protocol 0 spells bools as INT 00 / 01
        "01" => true,
        _ => Normalize(BigInteger.Parse(text, CultureInfo.InvariantCulture)),
    };

    /// <summary>Two's-complement little-endian (LONG1/LONG4) to long, or BigInteger beyond 64 bits.</summary>
    private static object DecodeLong(byte[] bytes) => Normalize(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));

    private static object Normalize(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;
}
