using System.Text;

namespace KerasMem;

/// <summary>A small CSV reader (header row, commas, double-quoted fields with "" escapes), enough for a labels file.</summary>
internal sealed class CsvTable
{
    private CsvTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    public string[] Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static CsvTable Read(string path)
    {
        var records = ParseRecords(File.ReadAllText(path)).Where(r => r.Length > 1 || r[0].Length > 0).ToList();
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{path} is empty: expected a header row such as 'filename,class'.");
        }

        return new CsvTable(records[0].Select(h => h.Trim()).ToArray(), records.Skip(1).ToList());
    }

    public int Column(string name, string option)
    {
        int index = Array.IndexOf(Header, name);
        return index >= 0
            ? index
            : throw new UsageException($"{option}: the CSV has no column '{name}'; its columns are: {string.Join(", ", Header)}.");
    }

    private static IEnumerable<string[]> ParseRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                yield return [.. fields];
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
