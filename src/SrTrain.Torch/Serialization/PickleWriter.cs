using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;

namespace SrTrain.Torch.Serialization;

/// <summary>Writes pickle protocol 2 with only the opcodes that PyTorch 1.13's
/// <c>torch.load(weights_only=True)</c> unpickler accepts (plus BINFLOAT for float values, which
/// plain <c>torch.load</c> reads). No memo is written: nothing needs object identity, since shared
/// storages are expressed by persistent ids.</summary>
internal sealed class PickleWriter(Stream output, Action<PickleWriter, Tensor> writeTensor)
{
    private const int Batch = 1000; // items per MARK ... SETITEMS/APPENDS, as CPython

    public void WriteRoot(object? value)
    {
        output.WriteByte(0x80);
        output.WriteByte(2);
        Write(value);
        output.WriteByte((byte)'.');
    }

    public void Write(object? value)
    {
        switch (value)
        {
            case null: Op('N'); break;
            case bool b: output.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
            case Tensor t: writeTensor(this, t); break;
            case string s: Text(s); break;
            case sbyte or byte or short or ushort or int or uint or long: Int(Convert.ToInt64(value)); break;
            case ulong u: Long(u); break;
            case BigInteger big: Long(big); break;
            case float or double or Half: Float(Convert.ToDouble(value)); break;
            case byte[]: throw new NotSupportedException("byte[] values cannot be saved (torch.load(weights_only=True) has no bytes type)");
            case object?[] tuple: Tuple(tuple); break;
            case IDictionary dict: Dict(dict); break;
            case IList list: List(list); break;
            default:
                throw new NotSupportedException(
                    $"cannot save a {value.GetType().Name}: supported are Tensor, dictionaries, lists, object?[] (tuples), strings, integers, floats, bools and null");
        }
    }

    public void Op(char op) => output.WriteByte((byte)op);

    public void Global(string module, string name)
    {
        Op('c');
        var bytes = Encoding.UTF8.GetBytes($"{module}\n{name}\n");
        output.Write(bytes);
    }

    public void Int(long v)
    {
        Span<byte> b = stackalloc byte[4];
        if (v is >= 0 and <= 0xff)
        {
            Op('K');
            output.WriteByte((byte)v);
        }
        else if (v is >= 0 and <= 0xffff)
        {
            Op('M');
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
            output.Write(b[..2]);
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            Op('J');
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            output.Write(b);
        }
        else Long(v);
    }

    private void Long(BigInteger v)
    {
        var bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false); // minimal two's complement, as pickle's LONG1
        if (bytes.Length < 256)
        {
            output.WriteByte(0x8a);
            output.WriteByte((byte)bytes.Length);
        }
        else
        {
            output.WriteByte(0x8b);
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(n, bytes.Length);
            output.Write(n);
        }
        output.Write(bytes);
    }

    private void Float(double v)
    {
        Op('G');
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        output.Write(b);
    }

    public void Text(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(n, bytes.Length);
        output.Write(n);
        output.Write(bytes);
    }

    public void Tuple(IReadOnlyList<object?> items)
    {
        switch (items.Count)
        {
            case 0: Op(')'); return;
            case 1: Write(items[0]); output.WriteByte(0x85); return;
            case 2: Write(items[0]); Write(items[1]); output.WriteByte(0x86); return;
            case 3: Write(items[0]); Write(items[1]); Write(items[2]); output.WriteByte(0x87); return;
        }
        Op('(');
        foreach (var item in items) Write(item);
        Op('t');
    }

    /// <summary>An empty <c>collections.OrderedDict()</c> (state dicts, backward_hooks).</summary>
    public void EmptyOrderedDict()
    {
        Global("collections", "OrderedDict");
        Op(')');
        Op('R');
    }

    private void List(IList list)
    {
        Op(']');
        for (int start = 0; start < list.Count; start += Batch)
        {
            Op('(');
            for (int i = start; i < Math.Min(list.Count, start + Batch); i++) Write(list[i]);
            Op('e');
        }
    }

    private void Dict(IDictionary dict)
    {
        // A state dict (tensor values) is written as an OrderedDict, as PyTorch's state_dict() returns,
        // so model.load_state_dict(torch.load(p)) behaves as with a PyTorch-written file.
        if (IsStateDict(dict)) EmptyOrderedDict();
        else Op('}');
        var entries = new List<DictionaryEntry>(dict.Count);
        foreach (DictionaryEntry e in dict) entries.Add(e);
        for (int start = 0; start < entries.Count; start += Batch)
        {
            Op('(');
            for (int i = start; i < Math.Min(entries.Count, start + Batch); i++)
            {
                Write(entries[i].Key);
                Write(entries[i].Value);
            }
            Op('u');
        }
    }

    private static bool IsStateDict(IDictionary dict)
    {
        var valueType = dict.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];
        if (valueType == typeof(Tensor)) return true;
        if (dict.Count == 0) return false;
        foreach (var v in dict.Values)
            if (v is not Tensor) return false;
        return true;
    }
}
