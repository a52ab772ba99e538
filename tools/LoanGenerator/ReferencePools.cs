using System.Collections.Concurrent;
using Bogus;

namespace DeltaLite.LoanGenerator;

/// <summary>
/// Value pools drawn once per seed, so generating a row costs array lookups instead of Faker calls. Bogus supplies
/// the employment titles (seeded through its own <see cref="Randomizer"/>); the state, ZIP and purpose tables are fixed.
/// </summary>
internal sealed class ReferencePools
{
    private const int BogusTitleCount = 600;

    private static readonly ConcurrentDictionary<int, ReferencePools> Cache = new();

    /// <summary>Frequent LendingClub-style employment titles; drawn about 45% of the time.</summary>
    private static readonly string[] CommonTitles =
    [
        "Teacher", "Manager", "Registered Nurse", "Owner", "Driver", "Supervisor", "Sales", "Project Manager",
        "Office Manager", "General Manager", "Director", "Engineer", "Truck Driver", "Nurse", "Operations Manager",
        "Police Officer", "Store Manager", "Accountant", "Sales Manager", "Administrative Assistant", "Technician",
        "Mechanic", "Software Engineer", "Account Manager", "Vice President", "Analyst", "Server", "Electrician",
        "Customer Service", "President",
    ];

    public static readonly string[] EmpLengths =
        ["< 1 year", "1 year", "2 years", "3 years", "4 years", "5 years", "6 years", "7 years", "8 years", "9 years", "10+ years"];

    public static readonly double[] EmpLengthCumulative = Weights.Cumulate([0.08, 0.07, 0.09, 0.08, 0.06, 0.06, 0.05, 0.05, 0.05, 0.04, 0.37]);

    public static readonly string[] HomeOwnerships = ["MORTGAGE", "RENT", "OWN"];

    public static readonly double[] HomeOwnershipCumulative = Weights.Cumulate([0.49, 0.39, 0.12]);

    public static readonly string[] Purposes =
    [
        "debt_consolidation", "credit_card", "home_improvement", "other", "major_purchase", "medical",
        "small_business", "car", "vacation", "moving", "house", "renewable_energy", "wedding",
    ];

    public static readonly double[] PurposeCumulative =
        Weights.Cumulate([0.56, 0.22, 0.065, 0.06, 0.022, 0.012, 0.011, 0.011, 0.007, 0.007, 0.006, 0.001, 0.003]);

    /// <summary>Borrower-entered titles per purpose; the first is the form's default and the most frequent.</summary>
    public static readonly string[][] PurposeTitles =
    [
        ["Debt consolidation", "Debt Consolidation Loan", "Consolidate credit cards", "Bill payoff", "Get out of debt"],
        ["Credit card refinancing", "Credit Card Payoff", "Pay off high interest cards", "Lower my rate"],
        ["Home improvement", "Kitchen remodel", "New roof", "Bathroom renovation", "Home repairs"],
        ["Other", "Personal loan", "Loan", "Family expenses"],
        ["Major purchase", "Furniture", "New appliances", "Engagement ring"],
        ["Medical expenses", "Dental work", "Surgery bills"],
        ["Business", "Expand my business", "Equipment purchase"],
        ["Car financing", "Used car", "Auto repair"],
        ["Vacation", "Family trip"],
        ["Moving and relocation", "Relocation expenses"],
        ["Home buying", "Down payment"],
        ["Green loan", "Solar panels"],
        ["Wedding", "Wedding expenses"],
    ];

    /// <summary>States with rough shares of borrowers and their 3-digit ZIP prefix ranges (inclusive).</summary>
    private static readonly (string State, double Share, int[] Ranges)[] StateTable =
    [
        ("CA", 13.5, [900, 961]), ("TX", 8.5, [750, 799]), ("NY", 8.0, [100, 149]), ("FL", 7.2, [320, 349]),
        ("IL", 3.9, [600, 629]), ("NJ", 3.6, [70, 89]), ("PA", 3.5, [150, 196]), ("OH", 3.3, [430, 458]),
        ("GA", 3.3, [300, 319]), ("VA", 2.8, [220, 246]), ("NC", 2.8, [270, 289]), ("MI", 2.6, [480, 499]),
        ("AZ", 2.4, [850, 865]), ("MD", 2.4, [206, 219]), ("MA", 2.3, [10, 27]), ("CO", 2.2, [800, 816]),
        ("WA", 2.1, [980, 994]), ("MN", 1.8, [550, 567]), ("IN", 1.6, [460, 479]), ("MO", 1.6, [630, 658]),
        ("TN", 1.6, [370, 385]), ("NV", 1.5, [889, 898]), ("CT", 1.5, [60, 69]), ("WI", 1.3, [530, 549]),
        ("AL", 1.2, [350, 369]), ("OR", 1.2, [970, 979]), ("SC", 1.2, [290, 299]), ("LA", 1.1, [700, 714]),
        ("KY", 1.0, [400, 427]), ("OK", 0.9, [730, 749]), ("KS", 0.8, [660, 679]), ("UT", 0.8, [840, 847]),
        ("AR", 0.7, [716, 729]), ("MS", 0.5, [386, 397]), ("NM", 0.5, [870, 884]), ("HI", 0.5, [967, 968]),
        ("NH", 0.5, [30, 38]), ("RI", 0.4, [28, 29]), ("WV", 0.4, [247, 268]), ("NE", 0.4, [680, 693]),
        ("DE", 0.3, [197, 199]), ("MT", 0.3, [590, 599]), ("DC", 0.3, [200, 205]), ("AK", 0.2, [995, 999]),
        ("WY", 0.2, [820, 831]), ("SD", 0.2, [570, 577]), ("VT", 0.2, [50, 59]), ("ME", 0.3, [39, 49]),
        ("ID", 0.3, [832, 838]), ("ND", 0.2, [580, 588]),
    ];

    public static readonly string[] States = StateTable.Select(s => s.State).ToArray();

    public static readonly double[] StateCumulative = Weights.Cumulate(StateTable.Select(s => s.Share).ToArray());

    /// <summary>Every "123xx" ZIP code of each state, precomputed.</summary>
    public static readonly string[][] StateZips = StateTable
        .Select(s => Enumerable.Range(s.Ranges[0], s.Ranges[1] - s.Ranges[0] + 1).Select(z => z.ToString("000", System.Globalization.CultureInfo.InvariantCulture) + "xx").ToArray())
        .ToArray();

    private ReferencePools(string[] bogusTitles) => BogusTitles = bogusTitles;

    /// <summary>Employment titles drawn from Bogus for this seed.</summary>
    public string[] BogusTitles { get; }

    public static ReferencePools For(int seed) => Cache.GetOrAdd(seed, static s =>
    {
        var faker = new Faker("en") { Random = new Randomizer(s) };
        var titles = new string[BogusTitleCount];
        for (var i = 0; i < titles.Length; i++)
        {
            titles[i] = faker.Name.JobTitle();
        }
        return new ReferencePools(titles);
    });

    public string EmploymentTitle(ref SimRandom rng) => rng.Chance(0.45)
        ? CommonTitles[rng.Next(0, CommonTitles.Length)]
        : BogusTitles[rng.Next(0, BogusTitles.Length)];
}
