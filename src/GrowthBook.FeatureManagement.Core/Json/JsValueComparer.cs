namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// Structural equality of JSON values: same types, same numbers (bit for bit), same strings, same keys in the same
/// order. Used to share equal compiled parts (conditions, variations, meta) within a payload without writing each
/// value out as text. Stricter than comparing <c>JSON.stringify</c> output, which cannot tell <c>null</c> from
/// <c>Infinity</c>: two values it calls equal may only compile differently if they are not equal here.
/// </summary>
internal sealed class JsValueComparer : IEqualityComparer<JsValue>
{
    public static readonly JsValueComparer Instance = new();

    // Values nested deeper than values are cut (JsJson.MaxValueDepth) are never built, so recursion stays bounded.
    public bool Equals(JsValue x, JsValue y)
    {
        if (x.Type != y.Type)
        {
            return false;
        }

        switch (x.Type)
        {
            case JsType.Null:
                return true;
            case JsType.Boolean or JsType.Number:
                return BitConverter.DoubleToInt64Bits(x.NumberValue) == BitConverter.DoubleToInt64Bits(y.NumberValue);
            case JsType.String:
                return string.Equals(x.StringValue, y.StringValue, StringComparison.Ordinal);
            case JsType.Array:
                var a = x.ArrayValue;
                var b = y.ArrayValue;
                if (ReferenceEquals(a, b))
                {
                    return true;
                }

                if (a.Length != b.Length)
                {
                    return false;
                }

                for (var i = 0; i < a.Length; i++)
                {
                    if (!Equals(a[i], b[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                var p = x.ObjectValue.Entries;
                var q = y.ObjectValue.Entries;
                if (p.Length != q.Length)
                {
                    return false;
                }

                for (var i = 0; i < p.Length; i++)
                {
                    if (!string.Equals(p[i].Key, q[i].Key, StringComparison.Ordinal) || !Equals(p[i].Value, q[i].Value))
                    {
                        return false;
                    }
                }

                return true;
        }
    }

    public int GetHashCode(JsValue value)
    {
        switch (value.Type)
        {
            case JsType.Null:
                return 0;
            case JsType.Boolean or JsType.Number:
                return HashCode.Combine(value.Type, value.NumberValue);
            case JsType.String:
                return HashCode.Combine(value.Type, string.GetHashCode(value.StringValue, StringComparison.Ordinal));
            case JsType.Array:
                var hash = new HashCode();
                hash.Add(value.Type);
                foreach (var item in value.ArrayValue)
                {
                    hash.Add(GetHashCode(item));
                }

                return hash.ToHashCode();
            default:
                var h = new HashCode();
                h.Add(value.Type);
                foreach (var entry in value.ObjectValue.Entries)
                {
                    h.Add(string.GetHashCode(entry.Key, StringComparison.Ordinal));
                    h.Add(GetHashCode(entry.Value));
                }

                return h.ToHashCode();
        }
    }
}
