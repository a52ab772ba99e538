using DeltaLite.Parquet;

namespace DeltaLite.Benchmarks;

/// <summary>A loan-shaped table of 25 mixed columns, generated deterministically batch by batch.</summary>
internal static class LoanTable
{
    public static readonly DeltaLite.Parquet.Schema Schema = new(
        new Field("id", DataType.Int64, false),
        new Field("member_id", DataType.Int64),
        new Field("loan_amnt", new DecimalType(12, 2)),
        new Field("funded_amnt", new DecimalType(12, 2)),
        new Field("term", DataType.Int32),
        new Field("int_rate", new DecimalType(5, 2)),
        new Field("installment", new DecimalType(12, 2)),
        new Field("grade", DataType.String),
        new Field("sub_grade", DataType.String),
        new Field("emp_title", DataType.String),
        new Field("emp_length", DataType.String),
        new Field("home_ownership", DataType.String),
        new Field("annual_inc", DataType.Double),
        new Field("verification_status", DataType.String),
        new Field("issue_d", DataType.Date),
        new Field("loan_status", DataType.String),
        new Field("purpose", DataType.String),
        new Field("zip_code", DataType.String),
        new Field("addr_state", DataType.String),
        new Field("dti", DataType.Double),
        new Field("fico_range_low", DataType.Int32),
        new Field("fico_range_high", DataType.Int32),
        new Field("revol_util", DataType.Double),
        new Field("created_at", TimestampType.MicrosUtc),
        new Field("updated_at", TimestampType.MicrosUtc));

    private static readonly string[] Grades = ["A", "B", "C", "D", "E", "F", "G"];
    private static readonly string[] EmpLength = ["< 1 year", "1 year", "2 years", "3 years", "4 years", "5 years", "6 years", "7 years", "8 years", "9 years", "10+ years"];
    private static readonly string[] Home = ["RENT", "OWN", "MORTGAGE", "OTHER"];
    private static readonly string[] Verification = ["Verified", "Source Verified", "Not Verified"];
    private static readonly string[] Status = ["Current", "Fully Paid", "Charged Off", "Late (31-120 days)", "Late (16-30 days)", "In Grace Period"];
    private static readonly string[] Purpose = ["debt_consolidation", "credit_card", "home_improvement", "other", "major_purchase", "small_business", "car", "medical", "moving", "vacation", "house", "wedding", "renewable_energy", "educational"];
    private static readonly string[] States = ["AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV"];
    private static readonly string[] TitleWords = ["Senior", "Lead", "Assistant", "Registered", "Chief", "Staff", "Regional", "Junior"];
    private static readonly string[] TitleRoles = ["Nurse", "Engineer", "Teacher", "Manager", "Driver", "Analyst", "Technician", "Accountant", "Sales Associate", "Officer", "Director", "Clerk", "Mechanic", "Consultant"];

    /// <summary>Rows [start, start+count) of the table for <paramref name="seed"/>.</summary>
    public static RecordBatch Batch(long start, int count, int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + (int)(start / 65536)));
        var b = Schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        var epoch2020 = new DateOnly(2020, 1, 1);
        for (int i = 0; i < count; i++)
        {
            long id = start + i + 1;
            int g = Math.Min(6, (int)(Math.Abs(NextGaussian(rng)) * 2.2));
            long amount = 1000 + rng.Next(0, 39000) / 25 * 25;
            decimal rate = 6.0m + g * 3.1m + rng.Next(0, 300) / 100m;
            int term = rng.Next(4) == 0 ? 60 : 36;
            double r = (double)rate / 1200.0;
            decimal installment = Math.Round((decimal)(amount * r / (1 - Math.Pow(1 + r, -term))), 2);
            var issue = epoch2020.AddDays(rng.Next(366));
            int fico = 660 + rng.Next(0, 36) * 5;
            long created = ValueConverters.FromDateTime(issue.ToDateTime(new TimeOnly(rng.Next(24), rng.Next(60), rng.Next(60)), DateTimeKind.Utc), DeltaLite.Parquet.Metadata.TimeUnit.Micros) + rng.Next(1_000_000);
            ((PrimitiveBuilder<long>)b[0]).AppendValue(id);
            b[1].Append(rng.Next(50) == 0 ? null : id * 3 + 1_000_000);
            b[2].Append((Int128)amount * 100);
            b[3].Append((Int128)(amount - (rng.Next(20) == 0 ? 500 : 0)) * 100);
            ((PrimitiveBuilder<int>)b[4]).AppendValue(term);
            b[5].Append(rate);
            b[6].Append(installment);
            b[7].Append(Grades[g]);
            b[8].Append(Grades[g] + (1 + rng.Next(5)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            b[9].Append(rng.Next(15) == 0 ? null : TitleWords[rng.Next(TitleWords.Length)] + " " + TitleRoles[rng.Next(TitleRoles.Length)] + " " + rng.Next(5000).ToString(System.Globalization.CultureInfo.InvariantCulture));
            b[10].Append(EmpLength[rng.Next(EmpLength.Length)]);
            b[11].Append(Home[rng.Next(Home.Length)]);
            ((PrimitiveBuilder<double>)b[12]).AppendValue(Math.Round(25000 + Math.Exp(rng.NextDouble() * 3) * 15000, 2));
            b[13].Append(Verification[rng.Next(Verification.Length)]);
            b[14].Append(issue);
            b[15].Append(Status[Math.Min(Status.Length - 1, (int)(Math.Abs(NextGaussian(rng)) * 1.3))]);
            b[16].Append(Purpose[rng.Next(Purpose.Length)]);
            b[17].Append(rng.Next(100, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + "xx");
            b[18].Append(States[rng.Next(States.Length)]);
            ((PrimitiveBuilder<double>)b[19]).AppendValue(Math.Round(rng.NextDouble() * 40, 2));
            ((PrimitiveBuilder<int>)b[20]).AppendValue(fico);
            ((PrimitiveBuilder<int>)b[21]).AppendValue(fico + 4);
            b[22].Append(rng.Next(30) == 0 ? null : Math.Round(rng.NextDouble() * 100, 1));
            ((PrimitiveBuilder<long>)b[23]).AppendValue(created);
            ((PrimitiveBuilder<long>)b[24]).AppendValue(created + rng.NextInt64(0, 86_400_000_000L * 300));
        }
        return new RecordBatch(Schema, b.Select(x => x.Build()).ToArray(), count);
    }

    private static double NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
