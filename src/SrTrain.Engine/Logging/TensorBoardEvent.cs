using Google.Protobuf;

namespace SrTrain.Engine.Logging;

/// <summary>Serialises the two kinds of <c>tensorflow.Event</c> protobuf messages a scalar log needs
/// (event.proto / summary.proto), field by field, so no generated code is required.</summary>
internal static class TensorBoardEvent
{
    /// <summary>The version string TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    // Field numbers from tensorflow/core/util/event.proto and framework/summary.proto.
    private const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;
    private const int SummaryValue = 1;
    private const int ValueTag = 1, ValueSimpleValue = 2;

    /// <summary>Event { wall_time, step, file_version = "brain.Event:2" }, the first record of every file.</summary>
    public static byte[] FileVersionEvent(double wallTime, long step)
    {
        var size = WallTimeAndStepSize(step) + 1 + CodedOutputStream.ComputeStringSize(FileVersion);
        var buffer = new byte[size];
        var output = new CodedOutputStream(buffer);
        WriteWallTimeAndStep(output, wallTime, step);
        output.WriteTag(EventFileVersion, WireFormat.WireType.LengthDelimited);
        output.WriteString(FileVersion);
        output.CheckNoSpaceLeft();
        return buffer;
    }

    /// <summary>Event { wall_time, step, summary { value { tag, simple_value } ... } }.</summary>
    public static byte[] ScalarEvent(double wallTime, long step, IReadOnlyList<KeyValuePair<string, float>> scalars)
    {
        var valueSizes = new int[scalars.Count];
        var summarySize = 0;
        for (var i = 0; i < scalars.Count; i++)
        {
            valueSizes[i] = 1 + CodedOutputStream.ComputeStringSize(scalars[i].Key) + 1 + CodedOutputStream.ComputeFloatSize(0f);
            summarySize += 1 + CodedOutputStream.ComputeLengthSize(valueSizes[i]) + valueSizes[i];
        }
        var size = WallTimeAndStepSize(step) + 1 + CodedOutputStream.ComputeLengthSize(summarySize) + summarySize;
        var buffer = new byte[size];
        var output = new CodedOutputStream(buffer);
        WriteWallTimeAndStep(output, wallTime, step);
        output.WriteTag(EventSummary, WireFormat.WireType.LengthDelimited);
        output.WriteLength(summarySize);
        for (var i = 0; i < scalars.Count; i++)
        {
            output.WriteTag(SummaryValue, WireFormat.WireType.LengthDelimited);
            output.WriteLength(valueSizes[i]);
            output.WriteTag(ValueTag, WireFormat.WireType.LengthDelimited);
            output.WriteString(scalars[i].Key);
            output.WriteTag(ValueSimpleValue, WireFormat.WireType.Fixed32);
            output.WriteFloat(scalars[i].Value);
        }
        output.CheckNoSpaceLeft();
        return buffer;
    }

    private static int WallTimeAndStepSize(long step) =>
        1 + CodedOutputStream.ComputeDoubleSize(0) + 1 + CodedOutputStream.ComputeInt64Size(step);

    private static void WriteWallTimeAndStep(CodedOutputStream output, double wallTime, long step)
    {
        output.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
        output.WriteDouble(wallTime);
        output.WriteTag(EventStep, WireFormat.WireType.Varint);
        output.WriteInt64(step);
    }
}
