using DeltaLite.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>Connection strings, SAS tokens, storage options, environment variables and locations.</summary>
public sealed class ConfigurationTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcA==";

    [Fact]
    public void Development_storage_connection_string()
    {
        var cs = StorageConnectionString.Parse("UseDevelopmentStorage=true");
        Assert.True(cs.IsDevelopmentStorage);
        Assert.Equal("devstoreaccount1", cs.AccountName);
        Assert.Equal(StorageConnectionString.DevelopmentAccountKey, cs.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), cs.BlobEndpoint);
    }

    [Fact]
    public void Full_connection_string_with_endpoint_suffix()
    {
        var cs = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");
        Assert.Equal("myacct", cs.AccountName);
        Assert.Equal(Key, cs.AccountKey);
        Assert.Equal(new Uri("https://myacct.blob.core.chinacloudapi.cn"), cs.BlobEndpoint);
        Assert.Equal(new Uri("https://myacct.dfs.core.chinacloudapi.cn"), cs.DfsEndpoint);
        Assert.DoesNotContain(Key, cs.ToString());
    }

    [Fact]
    public void Connection_string_with_blob_endpoint_and_sas()
    {
        var cs = StorageConnectionString.Parse("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;SharedAccessSignature=?sv=2019-02-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=abc%2Bdef%3D");
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), cs.BlobEndpoint);
        Assert.Equal("sv=2019-02-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=abc%2Bdef%3D", cs.SharedAccessSignature);
        Assert.Null(cs.AccountKey);
        Assert.DoesNotContain("abc%2Bdef", cs.ToString());
    }

    [Theory]
    [InlineData("AccountName=a;AccountKey=not*base64")]
    [InlineData("AccountKey=c2VjcmV0")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a")]
    [InlineData("justgarbage")]
    [InlineData("AccountName=a;AccountName=b")]
    public void Bad_connection_strings_are_refused_without_echoing_secrets(string text)
    {
        var e = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(text));
        Assert.DoesNotContain("not*base64", e.Message);
        Assert.DoesNotContain("c2VjcmV0", e.Message);
        Assert.DoesNotContain("justgarbage", e.Message);
    }

    [Fact]
    public void Account_sas_has_the_documented_fields()
    {
        var sas = SharedAccessSignatures.CreateAccountSas("acct", Key, "rl", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var parts = sas.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("2019-02-02", parts["sv"]);
        Assert.Equal("b", parts["ss"]);
        Assert.Equal("sco", parts["srt"]);
        Assert.Equal("rl", parts["sp"]);
        Assert.Equal("2030-01-02T03:04:05Z", parts["se"]);
        Assert.Equal("https,http", parts["spr"]);
        // sig = HMAC-SHA256 over "account\nsp\nss\nsrt\nst\nse\nsip\nspr\nsv\n".
        string expected = Pipeline.SharedKeySigning.Sign("acct\nrl\nb\nsco\n\n2030-01-02T03:04:05Z\n\nhttps,http\n2019-02-02\n", Convert.FromBase64String(Key));
        Assert.Equal(expected, parts["sig"]);
    }

    [Fact]
    public void Options_from_a_dictionary_accept_prefixes_and_aliases()
    {
        var o = AzureStorageOptions.FromDictionary(new Dictionary<string, string>
        {
            ["AZURE_STORAGE_ACCOUNT_NAME"] = "acct",
            ["azure_storage_access_key"] = Key,
            ["sas_key"] = "sv=x&sig=y",
            ["Tenant_Id"] = "t",
            ["client-id"] = "c",
            ["use_azure_cli"] = "yes",
            ["max_retries"] = "7",
            ["timeout"] = "9",
            ["blob_endpoint"] = "http://127.0.0.1:1/acct/",
            ["unrelated"] = "ignored",
        }, useEnvironment: false);
        Assert.Equal("acct", o.AccountName);
        Assert.Equal(Key, o.AccountKey);
        Assert.Equal("sv=x&sig=y", o.SasToken);
        Assert.Equal("t", o.TenantId);
        Assert.Equal("c", o.ClientId);
        Assert.True(o.UseAzureCli);
        Assert.Equal(7, o.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(9), o.NetworkTimeout);
        Assert.Equal(new Uri("http://127.0.0.1:1/acct"), o.BlobEndpoint);
        Assert.DoesNotContain(Key, o.ToString());
        Assert.DoesNotContain("sig=y", o.ToString());
        Assert.Contains("acct", o.ToString());
    }

    [Fact]
    public void Bad_option_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => AzureStorageOptions.FromDictionary(new Dictionary<string, string> { ["max_retries"] = "many" }, useEnvironment: false));
        Assert.Throws<ArgumentException>(() => AzureStorageOptions.FromDictionary(new Dictionary<string, string> { ["use_emulator"] = "perhaps" }, useEnvironment: false));
        var e = Assert.Throws<ArgumentException>(() => AzureStorageOptions.FromDictionary(new Dictionary<string, string> { ["blob_endpoint"] = "https://a.blob.core.windows.net/?sig=zzz" }, useEnvironment: false));
        Assert.DoesNotContain("zzz", e.Message);
    }

    [Fact]
    public void Environment_fills_in_and_explicit_credentials_win()
    {
        var env = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_ACCOUNT_NAME"] = "envacct",
            ["AZURE_STORAGE_ACCOUNT_KEY"] = Key,
            ["AZURE_STORAGE_SAS_TOKEN"] = "sv=1&sig=2",
            ["AZURE_CLIENT_ID"] = "cid",
            ["AZURE_CLIENT_SECRET"] = "csecret",
            ["AZURE_TENANT_ID"] = "tid",
        };
        string? Env(string n) => env.GetValueOrDefault(n);
        var fromEnv = AzureStorageOptions.FromEnvironment(Env);
        Assert.Equal("envacct", fromEnv.AccountName);
        Assert.Equal(Key, fromEnv.AccountKey);
        Assert.Equal("sv=1&sig=2", fromEnv.SasToken);
        Assert.Equal("csecret", fromEnv.ClientSecret);

        var filled = AzureStorageOptions.FromDictionary(new Dictionary<string, string>(), Env);
        Assert.Equal(Key, filled.AccountKey);
        Assert.Equal("envacct", filled.AccountName);

        var explicitSas = AzureStorageOptions.FromDictionary(new Dictionary<string, string> { ["sas_token"] = "sv=9&sig=8" }, Env);
        Assert.Null(explicitSas.AccountKey);
        Assert.Equal("sv=9&sig=8", explicitSas.SasToken);
        Assert.Equal("envacct", explicitSas.AccountName);
    }

    [Theory]
    [InlineData("abfss://lake@acct.dfs.core.windows.net/tables/loans", "https://acct.blob.core.windows.net", "https://acct.dfs.core.windows.net", "acct", "lake", "tables/loans", true)]
    [InlineData("abfs://lake@acct.dfs.core.windows.net/", "https://acct.blob.core.windows.net", "https://acct.dfs.core.windows.net", "acct", "lake", "", true)]
    [InlineData("https://acct.blob.core.windows.net/c/a/b", "https://acct.blob.core.windows.net", "https://acct.dfs.core.windows.net", "acct", "c", "a/b", false)]
    [InlineData("https://acct.dfs.core.windows.net/c/a%20b/x", "https://acct.blob.core.windows.net", "https://acct.dfs.core.windows.net", "acct", "c", "a b/x", true)]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/c/t", "http://127.0.0.1:10000/devstoreaccount1", null, "devstoreaccount1", "c", "t", false)]
    [InlineData("http://localhost:10000/devstoreaccount1/c", "http://localhost:10000/devstoreaccount1", null, "devstoreaccount1", "c", "", false)]
    [InlineData("az://c@acct.blob.core.usgovcloudapi.net/p", "https://acct.blob.core.usgovcloudapi.net", "https://acct.dfs.core.usgovcloudapi.net", "acct", "c", "p", false)]
    public void Locations_are_parsed(string location, string blob, string? dfs, string account, string container, string prefix, bool hns)
    {
        var l = AzureLocation.Parse(location);
        Assert.Equal(blob, l.BlobService.ToString().TrimEnd('/'));
        Assert.Equal(dfs, l.DfsService?.ToString().TrimEnd('/'));
        Assert.Equal(account, l.Account);
        Assert.Equal(container, l.Container);
        Assert.Equal(prefix, l.Prefix);
        Assert.Equal(hns, l.HierarchicalNamespace);
    }

    [Fact]
    public void Az_locations_take_the_account_from_options_or_connection_string()
    {
        var a = AzureLocation.Parse("az://c/t", new AzureStorageOptions { AccountName = "acct" });
        Assert.Equal("https://acct.blob.core.windows.net/", a.BlobService.ToString());
        Assert.Equal(("acct", "c", "t"), (a.Account, a.Container, a.Prefix));
        var b = AzureLocation.Parse("az://c/t", new AzureStorageOptions { ConnectionString = "UseDevelopmentStorage=true" });
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", b.BlobService.ToString().TrimEnd('/'));
        Assert.Equal("devstoreaccount1", b.Account);
        var c = AzureLocation.Parse("az://c/t", new AzureStorageOptions { UseEmulator = true });
        Assert.Equal("devstoreaccount1", c.Account);
        var e = Assert.Throws<ArgumentException>(() => AzureLocation.Parse("az://c/t", new AzureStorageOptions()));
        Assert.Contains("account_name", e.Message);
    }

    [Theory]
    [InlineData("abfss://acct.dfs.core.windows.net/x")]
    [InlineData("https://acct.blob.core.windows.net/")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("gs://bucket/x")]
    [InlineData("https://acct.blob.core.windows.net/c/../x")]
    public void Bad_locations_are_refused(string location) =>
        Assert.Throws<ArgumentException>(() => AzureLocation.Parse(location));

    [Fact]
    public void Display_root_never_carries_the_sas_in_a_location()
    {
        var store = AzureStorage.Open("https://acct.blob.core.windows.net/c/t?sv=2019-02-02&sp=rl&sig=SECRETSIG%3D", (IReadOnlyDictionary<string, string>?)null, useEnvironment: false);
        Assert.Equal("https://acct.blob.core.windows.net/c/t", store.DisplayRoot);
        Assert.DoesNotContain("SECRETSIG", store.DisplayRoot);
    }

    [Fact]
    public void Missing_credentials_are_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => AzureStorage.Open("https://acct.blob.core.windows.net/c/t", (IReadOnlyDictionary<string, string>?)null, useEnvironment: false));
        Assert.Contains("'acct'", e.Message);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_KEY", e.Message);
    }

    [Fact]
    public void Registration_is_idempotent_and_opens_azure_locations()
    {
        AzureStorage.Register();
        AzureStorage.Register();
        var store = ObjectStores.Open("abfss://lake@acct.dfs.core.windows.net/t", new Dictionary<string, string> { ["account_key"] = Key });
        Assert.IsType<AzureBlobObjectStore>(store);
        Assert.Equal("abfss://lake@acct.dfs.core.windows.net/t", store.DisplayRoot);
        var local = ObjectStores.Open(Path.GetTempPath());
        Assert.IsType<LocalObjectStore>(local);
    }

    [Fact]
    public void Credential_choice_follows_the_documented_order()
    {
        // A TokenCredential given in code wins over everything; a client secret needs its client and tenant.
        var e = Assert.Throws<ArgumentException>(() => AzureStorage.Open("https://acct.blob.core.windows.net/c", new AzureStorageOptions { ClientSecret = "s" }));
        Assert.Contains("client_id", e.Message);
        Assert.DoesNotContain("=s", e.Message);
        var store = AzureStorage.Open("https://acct.blob.core.windows.net/c", new AzureStorageOptions { ClientId = "c", ClientSecret = "s", TenantId = "t" });
        Assert.Equal("https://acct.blob.core.windows.net/c", store.DisplayRoot);
    }
}
