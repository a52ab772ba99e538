using DeltaLite.Azure.Pipeline;

namespace DeltaLite.Azure.Tests;

/// <summary>
/// Shared Key canonicalization against the examples of the Storage REST reference ("Authorize with Shared Key"),
/// and the signature itself against HMAC-SHA256 test vectors; Azurite checks real signatures in the other tests.
/// </summary>
public sealed class SharedKeySigningTests
{
    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    [Fact]
    public void Canonicalized_resource_of_get_container_metadata()
    {
        // GET http://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata
        Assert.Equal("/myaccount/mycontainer\ncomp:metadata\nrestype:container",
            SharedKeySigning.CanonicalizedResource("myaccount", new Uri("http://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata")));
    }

    [Fact]
    public void Canonicalized_resource_of_list_blobs_with_repeated_parameters()
    {
        // Several values of one parameter: sorted, joined with ','.
        Assert.Equal("/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nrestype:container",
            SharedKeySigning.CanonicalizedResource("myaccount",
                new Uri("http://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list&include=snapshots&include=metadata&include=uncommittedblobs")));
    }

    [Fact]
    public void Canonicalized_resource_of_a_secondary_location_names_the_primary_account()
    {
        Assert.Equal("/myaccount/mycontainer/myblob",
            SharedKeySigning.CanonicalizedResource("myaccount", new Uri("https://myaccount-secondary.blob.core.windows.net/mycontainer/myblob")));
    }

    [Fact]
    public void Canonicalized_resource_of_the_emulator_has_the_account_twice()
    {
        Assert.Equal("/devstoreaccount1/devstoreaccount1/mycontainer\ncomp:metadata\nrestype:container",
            SharedKeySigning.CanonicalizedResource("devstoreaccount1", new Uri("http://127.0.0.1:10000/devstoreaccount1/mycontainer?restype=container&comp=metadata")));
    }

    [Fact]
    public void Canonicalized_resource_keeps_the_encoded_path_and_decodes_query_values()
    {
        Assert.Equal("/acct/c/a%20b/%C3%BC%25.json\nblockid:AAA=\nprefix:x/y z",
            SharedKeySigning.CanonicalizedResource("acct", new Uri("https://acct.blob.core.windows.net/c/a%20b/%C3%BC%25.json?PREFIX=x%2Fy%20z&blockid=AAA%3D")));
    }

    [Fact]
    public void String_to_sign_follows_the_documented_layout()
    {
        // The reference's example for a request with x-ms-date: the verb, eleven empty standard headers (Date empty
        // because x-ms-date is used), the canonicalized headers, the canonicalized resource.
        string s = SharedKeySigning.StringToSign("GET",
            new Uri("http://127.0.0.1:10000/myaccount/mycontainer?restype=container&comp=metadata&timeout=20"),
            [H("x-ms-date", "Sun, 11 Oct 2009 21:49:13 GMT"), H("x-ms-version", "2009-09-19")], "myaccount");
        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\nx-ms-version:2009-09-19\n" +
            "/myaccount/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20", s);
    }

    [Fact]
    public void String_to_sign_puts_standard_headers_in_their_places()
    {
        string s = SharedKeySigning.StringToSign("PUT", new Uri("https://a.blob.core.windows.net/c/b.txt"),
        [
            H("Content-Type", "text/plain; charset=UTF-8"), H("Content-Length", "11"), H("Content-MD5", "md5=="), H("If-None-Match", "*"),
            H("x-ms-blob-type", "BlockBlob"), H("x-ms-date", "Sun, 20 Sep 2009 20:36:40 GMT"), H("x-ms-meta-m1", "v1"), H("x-ms-meta-m2", "v2"),
            H("x-ms-version", "2023-11-03"), H("User-Agent", "not signed"), H("Range", "bytes=0-9"),
        ], "a");
        Assert.Equal(
            "PUT\n\n\n11\nmd5==\ntext/plain; charset=UTF-8\n\n\n\n*\n\nbytes=0-9\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 20 Sep 2009 20:36:40 GMT\nx-ms-meta-m1:v1\nx-ms-meta-m2:v2\nx-ms-version:2023-11-03\n" +
            "/a/c/b.txt", s);
    }

    [Fact]
    public void Zero_content_length_is_signed_as_empty()
    {
        string s = SharedKeySigning.StringToSign("PUT", new Uri("https://a.blob.core.windows.net/c?restype=container"),
            [H("Content-Length", "0"), H("x-ms-date", "d"), H("x-ms-version", "v")], "a");
        Assert.StartsWith("PUT\n\n\n\n\n", s);
    }

    [Fact]
    public void Canonicalized_headers_are_lower_cased_sorted_and_folded()
    {
        Assert.Equal("x-ms-a:1\nx-ms-b:two words here\nx-ms-meta-z:z\n",
            SharedKeySigning.CanonicalizedHeaders(
            [
                H("X-MS-Meta-Z", "z"), H("Content-Type", "ignored"), H("x-ms-b", "  two   words\there  "), H("X-Ms-A", "1"), H("Authorization", "ignored"),
            ]));
    }

    [Fact]
    public void Signature_is_base64_hmac_sha256_of_the_utf8_string()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        byte[] key = "Jefe"u8.ToArray();
        string expectedHex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(expectedHex)), SharedKeySigning.Sign("what do ya want for nothing?", key));
    }

    [Fact]
    public async Task Azurite_refuses_a_wrong_key_with_a_clear_error()
    {
        await using var container = await Azurite.NewContainerAsync();
        string wrongKey = Convert.ToBase64String(new byte[64]);
        await using var store = container.OpenStore("t", new Dictionary<string, string> { ["account_key"] = wrongKey });
        var e = await Assert.ThrowsAsync<AzureStorageException>(() => store.WriteAsync("x.json", "{}"u8.ToArray()));
        Assert.Equal(403, e.Status);
        // Azure answers AuthenticationFailed; Azurite answers AuthorizationFailure.
        Assert.Contains(e.ErrorCode, new[] { "AuthenticationFailed", "AuthorizationFailure" });
        Assert.Contains($"/{container.Name}/t/x.json' (account 'devstoreaccount1', container '{container.Name}')", e.Message);
        Assert.Contains("account key", e.Message);
        Assert.DoesNotContain(wrongKey, e.ToString());
    }
}
