using System.Collections;
using System.Reflection;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>Structural comparison of metadata model objects through their public properties.</summary>
internal static class ModelAssert
{
    /// <summary>Asserts that two object graphs hold equal values, naming the first differing property path.</summary>
    public static void Equal(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            if (expected is null && actual is null) return;
            Assert.Fail($"{path}: expected {Describe(expected)}, got {Describe(actual)}");
        }
        var type = expected.GetType();
        Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, got a {actual.GetType().Name}");

        if (expected is byte[] expectedBytes)
        {
            var actualBytes = (byte[])actual;
            Assert.True(expectedBytes.AsSpan().SequenceEqual(actualBytes),
                $"{path}: expected bytes {Convert.ToHexString(expectedBytes)}, got {Convert.ToHexString(actualBytes)}");
            return;
        }
        if (IsScalar(type))
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {Describe(expected)}, got {Describe(actual)}");
            return;
        }
        if (expected is IList expectedList)
        {
            var actualList = (IList)actual;
            Assert.True(expectedList.Count == actualList.Count,
                $"{path}: expected {expectedList.Count} elements, got {actualList.Count}");
            for (int i = 0; i < expectedList.Count; i++) Equal(expectedList[i], actualList[i], $"{path}[{i}]");
            return;
        }
        foreach (var property in ModelProperties(type))
        {
            Equal(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    /// <summary>
    /// Asserts that every settable nullable or reference-typed property in the graph is set and every list is
    /// non-empty, so that a "rich" test value really exercises every optional field.
    /// </summary>
    public static void EverythingSet(object value, string path = "$")
    {
        var type = value.GetType();
        if (value is byte[] || IsScalar(type)) return;
        if (value is IList list)
        {
            Assert.True(list.Count > 0, $"{path}: list is empty");
            for (int i = 0; i < list.Count; i++) EverythingSet(list[i]!, $"{path}[{i}]");
            return;
        }
        foreach (var property in ModelProperties(type))
        {
            var propertyValue = property.GetValue(value);
            Assert.True(propertyValue is not null, $"{path}.{property.Name} is not set");
            EverythingSet(propertyValue, $"{path}.{property.Name}");
        }
    }

    /// <summary>Asserts that every nullable (optional) property of the object itself is unset.</summary>
    public static void OptionalsUnset(object value, string path = "$")
    {
        foreach (var property in ModelProperties(value.GetType()))
        {
            bool nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
            if (nullable) Assert.True(property.GetValue(value) is null, $"{path}.{property.Name} should be unset");
        }
    }

    private static IEnumerable<PropertyInfo> ModelProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
