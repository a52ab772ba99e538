using DeltaLite.LoanGenerator.Targets;

namespace DeltaLite.LoanGenerator.Tests;

/// <summary>No SQL Server runs here: the SQL text the target sends is checked as text.</summary>
public sealed class SqlServerSqlTests
{
    private static readonly TableName Loans = TableName.Parse("loans", allowSchema: true);

    [Fact]
    public void Create_table_is_guarded_quoted_keyed_and_indexed()
    {
        var sql = SqlServerSql.CreateTable(TableName.Parse("sales.loans", allowSchema: true));
        Assert.StartsWith("IF OBJECT_ID(N'sales.loans', N'U') IS NULL\nBEGIN\n  CREATE TABLE [sales].[loans] (\n    [id] bigint NOT NULL,\n    [member_id] bigint NOT NULL,\n    [loan_amnt] decimal(12,2) NOT NULL,", sql);
        Assert.Contains("    [int_rate] decimal(5,2) NOT NULL,\n", sql);
        Assert.Contains("    [emp_title] nvarchar(100) NULL,\n", sql);
        Assert.Contains("    [issue_d] date NOT NULL,\n", sql);
        Assert.Contains("    [revol_util] decimal(5,1) NOT NULL,\n", sql);
        Assert.Contains("    [last_pymnt_d] date NULL,\n", sql);
        Assert.Contains("    [updated_at] datetime2(0) NOT NULL,\n    CONSTRAINT [PK_loans] PRIMARY KEY CLUSTERED ([id])\n  );\n", sql);
        Assert.EndsWith("  CREATE INDEX [ix_loans_updated_at] ON [sales].[loans] ([updated_at]);\nEND", sql);
        Assert.Equal(LoanSchema.Columns.Count + 1, sql.Split('\n').Count(l => l.StartsWith("    [", StringComparison.Ordinal) || l.StartsWith("    CONSTRAINT", StringComparison.Ordinal)));
    }

    [Fact]
    public void Updates_are_staged_in_a_temp_table_and_applied_by_one_join()
    {
        Assert.Equal(
            "CREATE TABLE #loangen_updates (\n    [id] bigint NOT NULL,\n    [loan_status] nvarchar(20) NOT NULL,\n    [out_prncp] decimal(12,2) NOT NULL,\n"
            + "    [total_pymnt] decimal(12,2) NOT NULL,\n    [total_rec_prncp] decimal(12,2) NOT NULL,\n    [total_rec_int] decimal(12,2) NOT NULL,\n"
            + "    [last_pymnt_d] date NULL,\n    [last_pymnt_amnt] decimal(12,2) NOT NULL,\n    [updated_at] datetime2(0) NOT NULL,\n    PRIMARY KEY ([id])\n)",
            SqlServerSql.CreateUpdatesTable());
        Assert.Equal(
            "UPDATE t SET t.[loan_status] = s.[loan_status], t.[out_prncp] = s.[out_prncp], t.[total_pymnt] = s.[total_pymnt], "
            + "t.[total_rec_prncp] = s.[total_rec_prncp], t.[total_rec_int] = s.[total_rec_int], t.[last_pymnt_d] = s.[last_pymnt_d], "
            + "t.[last_pymnt_amnt] = s.[last_pymnt_amnt], t.[updated_at] = s.[updated_at]\n"
            + "FROM [dbo].[loans] AS t INNER JOIN #loangen_updates AS s ON t.[id] = s.[id]",
            SqlServerSql.ApplyUpdates(Loans));
        Assert.Equal("DROP TABLE #loangen_updates", SqlServerSql.DropUpdatesTable());
    }

    [Fact]
    public void Reads_use_parameters_and_quoted_names()
    {
        var select = SqlServerSql.SelectOpen(Loans);
        Assert.StartsWith("SELECT [id], [member_id], [loan_amnt], ", select);
        Assert.EndsWith(" FROM [dbo].[loans] WHERE [loan_status] IN (@s0, @s1, @s2) ORDER BY [id]", select);
        Assert.Equal("SELECT MAX([id]), MAX(YEAR([issue_d])), MAX(YEAR([updated_at])) FROM [dbo].[loans]", SqlServerSql.State(Loans));
        Assert.Equal("SELECT c.name FROM sys.columns AS c WHERE c.object_id = OBJECT_ID(@table)", SqlServerSql.ColumnNames());
    }

    [Fact]
    public void Quoting_doubles_closing_brackets_and_names_are_validated()
    {
        Assert.Equal("[a]]b]", SqlServerSql.Quote("a]b"));
        Assert.Throws<LoanGeneratorException>(() => TableName.Parse("loans]; DROP TABLE x; --", allowSchema: true));
        Assert.Throws<LoanGeneratorException>(() => TableName.Parse("a.b", allowSchema: false));
    }

    [Fact]
    public void Bulk_copy_reader_exposes_dates_as_datetime_and_money_as_decimal()
    {
        var loan = new LoanFactory(1, 2020, 10, 5).Create(3);
        using var reader = new LoanDataReader([loan], LoanSchema.Columns);
        Assert.True(reader.Read());
        Assert.Equal(LoanSchema.Columns.Count, reader.FieldCount);
        Assert.Equal(8L, reader.GetValue(reader.GetOrdinal("id")));
        Assert.IsType<DateTime>(reader.GetValue(reader.GetOrdinal("issue_d")));
        Assert.Equal(loan.FundedAmntCents / 100m, reader.GetDecimal(reader.GetOrdinal("funded_amnt")));
        Assert.True(reader.IsDBNull(reader.GetOrdinal("last_pymnt_d")));
        Assert.False(reader.Read());
    }
}
