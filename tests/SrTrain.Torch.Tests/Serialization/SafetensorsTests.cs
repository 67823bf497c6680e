using System.Buffers.Binary;
using System.Text;
using SrTrain.Torch.Serialization;

namespace SrTrain.Torch.Tests.Serialization;

/// <summary>Safetensors read/write. The fixture pth/tiny.safetensors and its values
/// pth/safetensors_expected.json come from a hand-written writer in
/// <c>/usr/bin/python3 tests/fixtures/make_pth.py</c> (the safetensors package is not installed).</summary>
public sealed class SafetensorsTests : IDisposable
{
    private readonly string temp = RepoPaths.NewTempDir("safetensors");

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void PythonWrittenFileLoadsBitExact()
    {
        using var expected = TensorFixture.Load("pth/safetensors_expected.json");
        var path = RepoPaths.Fixture("pth/tiny.safetensors");
        var loaded = Safetensors.Load(path);
        try
        {
            Assert.Equal(["conv.weight", "half", "bf", "double", "index", "bytes", "mask", "scalar"], loaded.Keys);
            var dtypes = new[] { DType.Float32, DType.Float16, DType.BFloat16, DType.Float64, DType.Int64, DType.UInt8, DType.Bool, DType.Float32 };
            foreach (var (name, dtype) in loaded.Keys.Zip(dtypes))
            {
                Assert.Equal(dtype, loaded[name].DType);
                TensorAssert.Equal(expected[name], loaded[name], name);
            }
            Assert.Equal([5L, -6, 1L << 50], loaded["index"].ToArray<long>());
            Assert.Empty(loaded["scalar"].Shape);
            Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["source"] = "make_pth.py" }, Safetensors.ReadMetadata(path));
        }
        finally { PthFile.DisposeTensors(loaded); }

        // PthFile.LoadStateDict dispatches on the extension.
        var sd = PthFile.LoadStateDict(path);
        Assert.Equal(8, sd.Count);
        PthFile.DisposeTensors(sd);
    }

    [Fact]
    public void RoundTripKeepsValuesDTypesShapesAndMetadata()
    {
        using var scope = LibTorch.NewDisposeScope();
        var grid = Tensor.Randn([3, 4]);
        var tensors = new Dictionary<string, Tensor>
        {
            ["grid.t"] = grid.T(),                               // non-contiguous: written as a contiguous copy
            ["half"] = Tensor.Randn([2, 2]).To(DType.Float16),
            ["bf"] = Tensor.Randn([3]).To(DType.BFloat16),
            ["i64"] = Tensor.From(new[] { long.MinValue, 0, long.MaxValue }),
            ["u8"] = Tensor.From(new byte[] { 0, 200 }),
            ["mask"] = Tensor.From(new[] { true, false }),
            ["empty"] = Tensor.Zeros([0, 3]),
            ["scalar"] = Tensor.Scalar(1.25, DType.Float64),
        };
        var path = Path.Combine(temp, "net.safetensors");
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["iter"] = "5000" });

        var back = Safetensors.Load(path);
        try
        {
            Assert.Equal(tensors.Keys, back.Keys);
            foreach (var (k, t) in tensors)
            {
                Assert.Equal(t.DType, back[k].DType);
                TensorAssert.Equal(t, back[k], k);
            }
            Assert.Equal("5000", Safetensors.ReadMetadata(path)["iter"]);
            // The data section starts 8-byte aligned, as the reference implementation writes it.
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8);
        }
        finally { PthFile.DisposeTensors(back); }
    }

    [Fact]
    public void PythonReadsWhatWeWrite()
    {
        using var scope = LibTorch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.From(new[] { 1.5f, -2f, 3.25f, 0f }, [2, 2]),
            ["h"] = Tensor.From(new[] { 0.5f, 65504f }).To(DType.Float16),
            ["n"] = Tensor.From(new[] { -3L, 1L << 60 }),
        };
        var path = Path.Combine(temp, "py.safetensors");
        Safetensors.Save(path, tensors);
        // A minimal reader following the format description (the safetensors package is not installed).
        var output = PythonReference.Run("""
            import json, struct, sys, torch
            raw = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            dt = {'F32': torch.float32, 'F16': torch.float16, 'I64': torch.int64}
            out = {}
            for k, e in header.items():
                b, end = e['data_offsets']
                t = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=dt[e['dtype']]).reshape(e['shape'])
                out[k] = t.tolist()
            assert out == {'w': [[1.5, -2.0], [3.25, 0.0]], 'h': [0.5, 65504.0], 'n': [-3, 2**60]}, out
            print('ok')
            """, path);
        Assert.Equal("ok", output.Trim());
    }

    [Fact]
    public void TruncatedOrCorruptFilesGiveErrorsNamingFileAndTensor()
    {
        var source = File.ReadAllBytes(RepoPaths.Fixture("pth/tiny.safetensors"));
        var truncated = Path.Combine(temp, "truncated.safetensors");
        File.WriteAllBytes(truncated, source[..^2]);
        var e = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(truncated));
        Assert.StartsWith(truncated, e.Message);
        Assert.Contains("'scalar'", e.Message); // the last tensor is the one cut off

        var hugeHeader = Path.Combine(temp, "header.safetensors");
        var bad = (byte[])source.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bad, 1UL << 40);
        File.WriteAllBytes(hugeHeader, bad);
        Assert.Contains("header length", Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(hugeHeader)).Message);

        var wrongSize = Path.Combine(temp, "size.safetensors");
        var header = """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"""u8.ToArray();
        var file = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        File.WriteAllBytes(wrongSize, file);
        var sizeError = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(wrongSize));
        Assert.Contains("'a'", sizeError.Message);
        Assert.Contains("needs 12", sizeError.Message);

        var unknown = Path.Combine(temp, "dtype.safetensors");
        var f8 = Encoding.UTF8.GetBytes("""{"q":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""");
        var file2 = new byte[8 + f8.Length + 1];
        BinaryPrimitives.WriteUInt64LittleEndian(file2, (ulong)f8.Length);
        f8.CopyTo(file2, 8);
        File.WriteAllBytes(unknown, file2);
        Assert.Contains("F8_E4M3", Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(unknown)).Message);
    }
}
