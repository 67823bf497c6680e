using System.Globalization;
using System.Text.Json;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Torch.Tests.Serialization;

/// <summary>Files PthFile.Save writes are read by Python: <c>torch.load(p, weights_only=True)</c> and
/// <c>load_state_dict(strict=True)</c> (Debian's PyTorch 1.13, run at test time through PythonReference).</summary>
public sealed class PthFileSaveTests : IDisposable
{
    private readonly string temp = RepoPaths.NewTempDir("pth-save");

    public void Dispose() => Directory.Delete(temp, recursive: true);

    /// <summary>Python prints {key: [dtype, shape, flat values]} of what it loaded, values as repr strings.</summary>
    private const string DumpTensors = """
        import json
        def dump(tensors):
            out = {}
            for k, v in tensors.items():
                flat = v.detach().reshape(-1)
                vals = flat.double().tolist() if v.dtype not in (torch.int64, torch.bool, torch.uint8) else flat.long().tolist()
                out[k] = [str(v.dtype).replace('torch.', ''), list(v.shape), [repr(x) for x in vals]]
            print(json.dumps(out))
        """;

    private static void AssertSameAsPython(IReadOnlyDictionary<string, Tensor> mine, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var names = new Dictionary<DType, string>
        {
            [DType.Float32] = "float32", [DType.Float16] = "float16", [DType.BFloat16] = "bfloat16", [DType.Float64] = "float64",
            [DType.Int64] = "int64", [DType.UInt8] = "uint8", [DType.Bool] = "bool",
        };
        Assert.Equal(mine.Keys, doc.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var (k, t) in mine)
        {
            var entry = doc.RootElement.GetProperty(k);
            Assert.Equal(names[t.DType], entry[0].GetString());
            Assert.Equal(t.Shape, entry[1].EnumerateArray().Select(v => v.GetInt64()));
            var python = entry[2].EnumerateArray().Select(v => v.GetString()!).ToArray();
            if (t.DType is DType.Int64 or DType.Bool or DType.UInt8)
                Assert.Equal(t.ToArray<long>(), python.Select(s => s == "True" ? 1 : s == "False" ? 0 : long.Parse(s, CultureInfo.InvariantCulture)));
            else
                Assert.Equal(t.ToArray<double>(), python.Select(s => double.Parse(s, CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void ModuleStateDictLoadsStrictlyIntoTheSamePyTorchModule()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(3);
        using var net = new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new LeakyReLU(0.2), new Conv2d(4, 2, 1));
        var sd = net.StateDict();
        sd["1.running_mean"].Uniform_(-1, 1);
        sd["1.running_var"].Uniform_(0.5, 2);
        sd["1.num_batches_tracked"] = Tensor.Full([], 9, DType.Int64); // (Add_ on an int64 tensor fails in the shim: alpha is passed as a double)
        var path = Path.Combine(temp, "net_g_1000.pth");
        PthFile.Save(path, sd);

        var json = PythonReference.Run(DumpTensors + """

            import collections, sys, torch
            from torch import nn
            sd = torch.load(sys.argv[1], weights_only=True)
            assert type(sd) is collections.OrderedDict, type(sd)
            net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.2), nn.Conv2d(4, 2, 1))
            net.load_state_dict(sd, strict=True)
            dump(net.state_dict())
            """, path);
        AssertSameAsPython(sd, json);
    }

    [Fact]
    public void SharedStoragesAreWrittenOnceAndEveryDTypeSurvives()
    {
        using var scope = LibTorch.NewDisposeScope();
        var baseT = Tensor.Arange(0, 20, 1).Reshape(4, 5);
        var tensors = new Dictionary<string, Tensor>
        {
            ["base"] = baseT,
            ["t"] = baseT.T(),
            ["rows"] = baseT[1..3],
            ["half"] = (Tensor.Randn([2, 3]) * 100).To(DType.Float16),
            ["bf"] = (Tensor.Randn([5]) * 1000).To(DType.BFloat16),
            ["f64"] = Tensor.Randn([3], DType.Float64),
            ["i64"] = Tensor.From(new[] { 0L, -1, 1L << 40, long.MinValue, long.MaxValue }),
            ["u8"] = Tensor.From(new byte[] { 0, 1, 128, 255 }),
            ["mask"] = Tensor.From(new[] { true, false, true }),
            ["scalar"] = Tensor.Scalar(-2.5),
        };
        var path = Path.Combine(temp, "shared.pth");
        PthFile.Save(path, tensors);

        var json = PythonReference.Run(DumpTensors + """

            import sys, torch, zipfile
            sd = torch.load(sys.argv[1], weights_only=True)
            ptr = lambda k: sd[k].storage().data_ptr()
            assert ptr('t') == ptr('base') and ptr('rows') == ptr('base'), 'views do not share storage'
            assert sd['rows'].storage_offset() == 5 and sd['t'].stride() == (1, 5)
            data = [n for n in zipfile.ZipFile(sys.argv[1]).namelist() if '/data/' in n]
            assert len(data) == 8, data   # base, t and rows share one storage
            dump(sd)
            """, path);
        AssertSameAsPython(tensors, json);

        // And back: our loader restores the sharing too.
        var back = PthFile.LoadStateDict(path);
        try
        {
            Assert.True(back["t"].SharesStorageWith(back["base"]));
            foreach (var (k, t) in tensors)
            {
                Assert.Equal(t.DType, back[k].DType);
                TensorAssert.Equal(t, back[k], k);
            }
        }
        finally { PthFile.DisposeTensors(back); }
    }

    [Fact]
    public void NestedTreeOfPythonValuesReadsBackInPythonAndHere()
    {
        using var scope = LibTorch.NewDisposeScope();
        var weight = Tensor.From(new[] { 1f, 2f, 3f });
        var tree = new Dictionary<string, object?>
        {
            ["params"] = new Dictionary<string, Tensor> { ["w"] = weight },
            ["iter"] = 300000,
            ["ints"] = new List<object?> { 0L, 255, 256, 65536, int.MaxValue, 1L << 31, -1, int.MinValue, (long)int.MinValue - 1, long.MaxValue, long.MinValue },
            ["lr"] = 2e-4,
            ["name"] = "ESRGAN ∑",
            ["flags"] = new object?[] { true, false, null },
            ["by_index"] = new Dictionary<long, object?> { [0] = "a", [-7] = new object?[] { 1, 2, 3, 4 } },
        };
        var path = Path.Combine(temp, "tree.pth");
        PthFile.Save(path, tree);

        // torch 1.13's weights_only loader has no float opcode, so the float needs plain torch.load.
        var output = PythonReference.Run("""
            import collections, sys, torch
            obj = torch.load(sys.argv[1])
            assert type(obj['params']) is collections.OrderedDict
            assert obj['params']['w'].tolist() == [1.0, 2.0, 3.0]
            obj['params'] = None
            expected = {'params': None, 'iter': 300000,
                        'ints': [0, 255, 256, 65536, 2**31 - 1, 2**31, -1, -2**31, -2**31 - 1, 2**63 - 1, -2**63],
                        'lr': 2e-4, 'name': 'ESRGAN ∑', 'flags': (True, False, None), 'by_index': {0: 'a', -7: (1, 2, 3, 4)}}
            assert obj == expected, obj
            print('ok')
            """, path);
        Assert.Equal("ok", output.Trim());

        var back = Assert.IsType<OrderedDictionary<object, object?>>(PthFile.Load(path));
        try
        {
            Assert.Equal(300000L, back["iter"]);
            Assert.Equal(2e-4, back["lr"]);
            Assert.Equal(new object?[] { 0L, 255L, 256L, 65536L, (long)int.MaxValue, 1L << 31, -1L, (long)int.MinValue, (long)int.MinValue - 1, long.MaxValue, long.MinValue },
                Assert.IsType<List<object?>>(back["ints"]));
            var byIndex = Assert.IsType<OrderedDictionary<object, object?>>(back["by_index"]);
            Assert.Equal(new object?[] { 1L, 2L, 3L, 4L }, byIndex[-7L]);
            var w = (Tensor)((OrderedDictionary<object, object?>)back["params"]!)["w"]!;
            TensorAssert.Equal(weight, w);
        }
        finally { PthFile.DisposeTensors(back); }
    }

    [Fact]
    public void FailedSaveLeavesTheOldCheckpointIntactAndNoTemporaryFile()
    {
        using var scope = LibTorch.NewDisposeScope();
        var path = Path.Combine(temp, "latest.pth");
        var good = new Dictionary<string, Tensor> { ["w"] = Tensor.From(new[] { 4f, 5f }) };
        PthFile.Save(path, good);
        var before = File.ReadAllBytes(path);

        // The pickle is built before the file is touched, and the file is renamed into place only when
        // complete; an unsupported value aborts the save.
        var bad = new Dictionary<string, object?> { ["w"] = good["w"], ["when"] = DateTime.Now };
        var e = Assert.Throws<CheckpointFormatException>(() => PthFile.Save(path, bad));
        Assert.Contains("DateTime", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["latest.pth"], Directory.GetFiles(temp).Select(Path.GetFileName));

        // Overwriting works and replaces the content.
        PthFile.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.From(new[] { 6f }) });
        var back = PthFile.LoadStateDict(path);
        Assert.Equal([6f], back["w"].ToArray<float>());
        PthFile.DisposeTensors(back);
    }
}
