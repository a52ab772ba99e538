using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace DeltaLite.Reliability.Tests.Concurrency;

/// <summary>One row of the table under test: (id, source, val, updated_at).</summary>
internal readonly record struct Row(long Id, string Source, long Val, long UpdatedAt);

/// <summary>How a source lands in the table.</summary>
internal enum SourceShape
{
    /// <summary>A SQLite table appended by watermark.</summary>
    SqliteAppend,
    /// <summary>A SQLite table merged by id (new keys and updates of its earlier keys).</summary>
    SqliteMerge,
    /// <summary>A folder receiving one new CSV file a round, appended.</summary>
    CsvAppend,
}

/// <summary>
/// One source of the concurrency suite. Each source owns its ids, so the table's final content is well defined
/// whatever order the commits land in: the ids of the append sources A (0 mod 4), B (1 mod 4) and C (3 mod 4) and of
/// merge source M (2 mod 4) interleave, so the statistics of every appended file overlap the key range M's merge reads
/// (those commits really conflict and are retried); merge source N owns a range of its own, far above.
/// </summary>
internal sealed class Source
{
    private readonly string _folder;
    private readonly List<long> _keys = [];

    public Source(string name, SourceShape shape, Func<long, long> idOf, string folder)
    {
        Name = name;
        Shape = shape;
        IdOf = idOf;
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    public string Name { get; }

    public SourceShape Shape { get; }

    /// <summary>The id of this source's n-th new row.</summary>
    public Func<long, long> IdOf { get; }

    public string SourceId => "src-" + Name;

    /// <summary>The SQLite database file of a SQLite source.</summary>
    public string Database => Path.Combine(_folder, Name + ".db");

    private string Connection => new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false }.ToString();

    private string CsvFolder => Path.Combine(_folder, Name + "-drop");

    private string SchemaFile => Path.Combine(_folder, Name + ".schema");

    /// <summary>
    /// Adds round <paramref name="round"/>'s rows to the source: <paramref name="count"/> new rows, and for a merge
    /// source updates of a quarter as many earlier rows; records them in <paramref name="expected"/> as the table must end.
    /// Every watermark of a round is above every watermark of the rounds before it.
    /// </summary>
    public void AddRound(int round, int count, IDictionary<long, Row> expected)
    {
        var rows = new List<Row>();
        long stamp = round * 1_000_000L;
        for (int i = 0; i < count; i++)
        {
            long id = IdOf(_keys.Count);
            _keys.Add(id);
            rows.Add(new Row(id, Name, id * 7 + round, stamp + i));
        }
        var updates = new List<Row>();
        if (Shape == SourceShape.SqliteMerge)
        {
            // Updates of keys loaded by earlier rounds (spread over them), with later watermarks.
            int earlier = _keys.Count - count;
            for (int j = 0; j < count / 4 && earlier > 0; j++)
            {
                long id = _keys[(int)((j * 7919L + round * 104729L) % earlier)];
                if (updates.Any(u => u.Id == id)) continue;
                updates.Add(new Row(id, Name, -(id * 11 + round), stamp + count + j));
            }
        }
        foreach (var r in rows.Concat(updates)) expected[r.Id] = r;
        switch (Shape)
        {
            case SourceShape.CsvAppend:
                WriteCsv(round, rows);
                break;
            default:
                WriteSqlite(rows, updates);
                break;
        }
    }

    private void WriteSqlite(List<Row> rows, List<Row> updates)
    {
        using var connection = new SqliteConnection(Connection);
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS rows (id INTEGER, source TEXT, val INTEGER, updated_at INTEGER)";
            create.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows (id, source, val, updated_at) VALUES ($id, $source, $val, $at)";
        var pid = insert.Parameters.Add("$id", SqliteType.Integer);
        var psource = insert.Parameters.Add("$source", SqliteType.Text);
        var pval = insert.Parameters.Add("$val", SqliteType.Integer);
        var pat = insert.Parameters.Add("$at", SqliteType.Integer);
        foreach (var r in rows)
        {
            pid.Value = r.Id;
            psource.Value = r.Source;
            pval.Value = r.Val;
            pat.Value = r.UpdatedAt;
            insert.ExecuteNonQuery();
        }
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE rows SET val = $val, updated_at = $at WHERE id = $id";
        var uid = update.Parameters.Add("$id", SqliteType.Integer);
        var uval = update.Parameters.Add("$val", SqliteType.Integer);
        var uat = update.Parameters.Add("$at", SqliteType.Integer);
        foreach (var u in updates)
        {
            uid.Value = u.Id;
            uval.Value = u.Val;
            uat.Value = u.UpdatedAt;
            if (update.ExecuteNonQuery() != 1) throw new InvalidOperationException($"source {Name}: no row {u.Id} to update");
        }
        tx.Commit();
    }

    private void WriteCsv(int round, List<Row> rows)
    {
        Directory.CreateDirectory(CsvFolder);
        File.WriteAllText(SchemaFile, "id long\nsource string\nval long\nupdated_at long\n");
        var text = new StringBuilder("id,source,val,updated_at\n");
        foreach (var r in rows) text.Append(CultureInfo.InvariantCulture, $"{r.Id},{r.Source},{r.Val},{r.UpdatedAt}\n");
        // Written beside the folder and moved in, so no run ever sees half a file.
        string temp = Path.Combine(_folder, $"{Name}-{round}.tmp");
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, Path.Combine(CsvFolder, $"round-{round:D3}.csv"));
    }

    /// <summary>This source's job into <paramref name="target"/>, for an in-process run.</summary>
    public Ingest.IngestJob Job(string target, IReadOnlyDictionary<string, string>? createProperties = null) => Shape switch
    {
        SourceShape.CsvAppend => new Ingest.IngestJob
        {
            Source = Ingest.SourceKind.Csv, Path = CsvFolder, SchemaFile = SchemaFile, Mode = Ingest.IngestMode.Append, SourceId = SourceId, Target = target,
            TableProperties = createProperties ?? new Dictionary<string, string>(),
        },
        _ => new Ingest.IngestJob
        {
            Source = Ingest.SourceKind.Sqlite, Connection = Connection, Table = "rows", WatermarkColumn = "updated_at", SourceId = SourceId, Target = target,
            Mode = Shape == SourceShape.SqliteMerge ? Ingest.IngestMode.Merge : Ingest.IngestMode.Append, KeyColumns = Shape == SourceShape.SqliteMerge ? ["id"] : [],
            TableProperties = createProperties ?? new Dictionary<string, string>(),
        },
    };

    /// <summary>The `deltalite ingest` arguments of this source's job into <paramref name="table"/>.</summary>
    public List<string> IngestArguments(string table, IEnumerable<string> createProperties)
    {
        var args = new List<string> { "ingest", table, "--source-id", SourceId, "--json" };
        switch (Shape)
        {
            case SourceShape.CsvAppend:
                args.AddRange(["--source", "csv", "--path", CsvFolder, "--schema-file", SchemaFile, "--mode", "append"]);
                break;
            case SourceShape.SqliteAppend:
                args.AddRange(["--source", "sqlite", "--connection", Connection, "--source-table", "rows", "--watermark", "updated_at", "--mode", "append"]);
                break;
            case SourceShape.SqliteMerge:
                args.AddRange(["--source", "sqlite", "--connection", Connection, "--source-table", "rows", "--watermark", "updated_at", "--mode", "merge", "--key", "id"]);
                break;
        }
        foreach (var p in createProperties) args.AddRange(["--property", p]);
        return args;
    }
}
