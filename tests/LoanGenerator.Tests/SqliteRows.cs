using Microsoft.Data.Sqlite;

namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Reads a loans table back with plain ADO.NET (independent of the target's own reader).</summary>
internal static class SqliteRows
{
    public static List<LoanRecord> All(string dbPath, string table = "loans")
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT * FROM \"{table}\" ORDER BY id";
        using var reader = cmd.ExecuteReader();
        var result = new List<LoanRecord>();
        while (reader.Read())
        {
            var loan = new LoanRecord();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var ordinal = LoanSchema.Columns.ToList().FindIndex(c => c.Name == reader.GetName(i));
                LoanValues.Set(loan, ordinal, reader.IsDBNull(i) ? null : reader.GetString(i));
            }
            result.Add(loan);
        }
        return result;
    }

    public static long Scalar(string dbPath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
