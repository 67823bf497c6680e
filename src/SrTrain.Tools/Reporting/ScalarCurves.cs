using System.Globalization;

namespace SrTrain.Tools.Reporting;

/// <summary>Reads the loss curves of a finished run from its <c>scalars.csv</c> (<see cref="Engine.Logging.CsvScalarLog"/>):
/// for every column whose name starts with <c>l_</c>, the (iter, value) pairs of the rows that have it.</summary>
public static class ScalarCurves
{
    public static IReadOnlyDictionary<string, IReadOnlyList<(double Iter, double Value)>> ReadLosses(string csvPath)
    {
        if (!File.Exists(csvPath)) throw new FileNotFoundException($"loss log not found: {csvPath}");
        var lines = File.ReadAllLines(csvPath);
        var result = new Dictionary<string, IReadOnlyList<(double, double)>>();
        if (lines.Length == 0) return result;
        var header = lines[0].Split(',');
        int iterColumn = Array.IndexOf(header, "iter");
        if (iterColumn < 0) throw new InvalidDataException($"{csvPath}: no 'iter' column in the header");
        var columns = header.Select((name, index) => (name, index)).Where(c => c.name.StartsWith("l_", StringComparison.Ordinal)).ToList();
        var curves = columns.ToDictionary(c => c.name, _ => new List<(double, double)>());
        var latest = new Dictionary<(string, double), int>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length <= iterColumn || !TryParse(cells[iterColumn], out var iter)) continue;
            foreach (var (name, index) in columns)
            {
                if (index >= cells.Length || cells[index].Length == 0 || !TryParse(cells[index], out var value)) continue;
                // An iteration logged twice (a resumed run) keeps its later row, as CsvScalarLog documents.
                if (latest.TryGetValue((name, iter), out var at)) curves[name][at] = (iter, value);
                else { latest[(name, iter)] = curves[name].Count; curves[name].Add((iter, value)); }
            }
        }
        foreach (var (name, points) in curves)
            if (points.Count > 0) result[name] = points.OrderBy(p => p.Item1).ToList();
        return result;
    }

    private static bool TryParse(string text, out double value)
    {
        switch (text)
        {
            case "nan": value = double.NaN; return true;
            case "inf": value = double.PositiveInfinity; return true;
            case "-inf": value = double.NegativeInfinity; return true;
            default: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
