using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>
/// FsCheck generators of hostile JSON text: conditions built from every operator (nested, with operands of every
/// type), attributes of every JSON type, and payload-shaped documents whose every member may have the wrong type.
/// Text is written by hand so that it can hold what serializers refuse to write: lone surrogates, duplicate keys,
/// numbers beyond double.
/// </summary>
internal static class HostileJson
{
    public static readonly string[] Operators =
    [
        "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$ini", "$nini", "$all", "$alli", "$elemMatch", "$size",
        "$exists", "$type", "$not", "$regex", "$regexi", "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte", "$inGroup",
        "$notInGroup", "$and", "$or", "$nor", "$savedGroup", "$unknownOp",
    ];

    public static readonly string[] AttributeKeys = ["id", "country", "tags", "version", "n", "obj", "obj.x", "email", "0", "length", "", "a.b.c", "__proto__", "\ud800"];

    private static readonly string[] FeatureKeys = ["f0", "f1", "f2", "f3", "f4", "", "__proto__", "a.b", "\udc00"];

    private static readonly string[] StringLiterals =
    [
        "\"\"", "\"a\"", "\"US\"", "\"1.2.3\"", "\"1.2.3-beta.1\"", "\"v10.0\"", "\"\\ud800\"", "\"\\udfff\\ud800x\"", "\"\\ud83d\\ude00\"",
        "\"\\u0000\"", "\"10\"", "\"-0\"", "\"true\"", "\"null\"", "\"İıß\"", "\"\\n\\t\"", "\"a.b\"", "\"constructor\"", "\"length\"",
        "\"string\"", "\"number\"", "\"array\"", "\"object\"", "\"boolean\"", "\"undefined\"", "\"g1\"", "\"g2\"", "\"f0\"",
        "\"" + new string('a', 300) + "!\"", "\"1e400\"", "\"NaN\"", "\"Infinity\"",
    ];

    private static readonly string[] NumberLiterals =
    [
        "0", "-0", "1", "-1", "2", "3", "0.5", "0.1", "1e400", "-1e400", "1e-400", "123456789012345678901234567890",
        "9007199254740993", "1.7976931348623157e308", "4294967296", "-2147483649", "0.9999999999999999", "100", "1.01",
    ];

    private static readonly string[] RegexLiterals =
    [
        "\"(a+)+$\"", "\"^(a|aa)*$\"", "\"(x+x+)+y\"", "\"[\"", "\"\\\\\"", "\"(?<n>a)\\\\k<n>\"", "\"\\\\p{L}\"", "\"[^]\"",
        "\"a{1,99999}\"", "\"^.*$\"", "\"\\\\b\\\\w+\\\\b\"", "\"(?i)a\"", "\"^\\\\d{3}$\"", "\"[\\\\ud800-\\\\udfff]\"", "\"\"",
    ];

    private static readonly string[] VersionLiterals = ["\"1.2.3\"", "\"v1\"", "\"1.2.3-alpha\"", "\"..\"", "\"999999999999999999999.0\"", "\"\"", "1", "\"1-\"", "\"a.b.c\""];

    public static Gen<string> Leaf { get; } = Gen.Frequency(
        (2, Gen.Elements("null", "true", "false")),
        (4, Gen.Elements(NumberLiterals)),
        (2, Gen.Choose(-1000, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (4, Gen.Elements(StringLiterals)),
        (2, ArbitraryString()));

    /// <summary>Any JSON value: leaves, arrays and objects (keys may repeat), up to the size.</summary>
    public static Gen<string> Any { get; } = Gen.Sized(AnyOfSize);

    /// <summary>A condition (<c>mongrule</c>): attribute paths and logical operators over value conditions.</summary>
    public static Gen<string> Condition { get; } = Gen.Sized(ConditionOfSize);

    /// <summary>An attributes object whose values are of every JSON type.</summary>
    public static Gen<string> Attributes { get; } = Gen.Sized(size =>
        Gen.ListOf(Gen.Zip(Gen.Elements(AttributeKeys), Gen.Resize(AnyOfSize(size / 2), size / 2)), Math.Min(size, 8) + 1)
            .Select(pairs => Object(pairs.Select(p => (p.Item1, p.Item2)))));

    /// <summary>A payload-shaped document (or, sometimes, any JSON at all).</summary>
    public static Gen<string> Payload { get; } = Gen.Sized(PayloadOfSize);

    /// <summary>A string of arbitrary UTF-16 code units (lone surrogates included), written with \u escapes.</summary>
    public static Gen<string> ArbitraryString() =>
        Gen.ListOf(Gen.Frequency((6, Gen.Choose(0x20, 0x7e)), (2, Gen.Choose(0, 0xffff)), (1, Gen.Choose(0xd800, 0xdfff))), 12)
            .Select(codes => Quote(string.Concat(codes.Select(c => (char)c))));

    /// <summary>JSON string literal of <paramref name="text"/>, escaping every code unit outside printable ASCII.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is >= ' ' and <= '~' && c != '"' && c != '\\')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }

    public static string Object(IEnumerable<(string Key, string Value)> members)
        => "{" + string.Join(",", members.Select(m => Quote(m.Key) + ":" + m.Value)) + "}";

    public static string Array(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    private static Gen<string> AnyOfSize(int size)
    {
        if (size <= 1)
        {
            return Leaf;
        }

        var child = Gen.Resize(Gen.Sized(AnyOfSize), size / 3);
        return Gen.Frequency(
            (4, Leaf),
            (1, Gen.ListOf(child, 4).Select(Array)),
            (1, Gen.ListOf(Gen.Zip(Gen.Elements(AttributeKeys.Concat(["x", "$eq", "$in"]).ToArray()), child), 4).Select(p => Object(p.Select(x => (x.Item1, x.Item2))))));
    }

    private static Gen<string> ConditionOfSize(int size)
    {
        if (size <= 1)
        {
            return Gen.Frequency((6, Gen.Constant("{}")), (1, Leaf), (1, Gen.Elements("[]", "\"ab\"")));
        }

        var nested = Gen.Resize(Gen.Sized(ConditionOfSize), size / 2);
        var value = Gen.Resize(Gen.Sized(ValueConditionOfSize), size / 2);
        var member = Gen.Frequency(
            (6, Gen.Zip(Gen.Elements(AttributeKeys), value)),
            (1, Gen.Zip(Gen.Elements("$and", "$or", "$nor"), Gen.Frequency((5, Gen.ListOf(nested, 3).Select(Array)), (1, Leaf)))),
            (1, Gen.Zip(Gen.Constant("$not"), nested)),
            (1, Gen.Zip(Gen.Constant("$savedGroup"), Gen.Elements("{\"id\":\"g1\"}", "{\"id\":\"g2\",\"attributeKey\":\"country\"}", "{\"id\":\"cycle\"}", "{\"id\":3}", "\"g1\"", "null"))));
        return Gen.Frequency(
            (8, Gen.ListOf(member, 3).Select(members => Object(members.Select(m => (m.Item1, m.Item2))))),
            (1, Gen.ListOf(nested, 2).Select(Array)),
            (1, Leaf));
    }

    private static Gen<string> ValueConditionOfSize(int size)
    {
        var any = Gen.Resize(Gen.Sized(AnyOfSize), Math.Max(size / 2, 1));
        if (size <= 1)
        {
            return Gen.Frequency((3, Leaf), (1, Gen.Elements(Operators).SelectMany(op => Leaf.Select(v => Object([(op, v)])))));
        }

        var value = Gen.Resize(Gen.Sized(ValueConditionOfSize), size / 2);
        var condition = Gen.Resize(Gen.Sized(ConditionOfSize), size / 2);
        Gen<string> Operand(string op) => op switch
        {
            "$in" or "$nin" or "$ini" or "$nini" or "$all" or "$alli" => Gen.Frequency((5, Gen.ListOf(Leaf, 5).Select(Array)), (1, any)),
            "$elemMatch" => Gen.OneOf(value, condition),
            "$not" or "$size" => Gen.OneOf(value, Leaf),
            "$type" => Gen.Frequency((5, Gen.Elements(StringLiterals)), (1, any)),
            "$regex" or "$regexi" => Gen.Frequency((5, Gen.Elements(RegexLiterals)), (1, any)),
            "$veq" or "$vne" or "$vgt" or "$vgte" or "$vlt" or "$vlte" => Gen.Frequency((5, Gen.Elements(VersionLiterals)), (1, any)),
            "$inGroup" or "$notInGroup" => Gen.Elements("\"g1\"", "\"g2\"", "\"missing\"", "1", "null"),
            "$and" or "$or" or "$nor" => Gen.ListOf(condition, 2).Select(Array),
            _ => any,
        };
        var op = Gen.Elements(Operators).SelectMany(o => Operand(o).Select(v => (o, v)));
        return Gen.Frequency(
            (2, Leaf),
            (6, Gen.ListOf(op, 2).Select(ops => ops.Count == 0 ? "{}" : Object(ops))),
            (1, any));
    }

    private static Gen<string> PayloadOfSize(int size)
    {
        var any = Gen.Resize(Gen.Sized(AnyOfSize), Math.Max(size / 2, 1));
        var condition = Gen.Resize(Condition, Math.Max(size / 2, 1));
        var featureKey = Gen.Elements(FeatureKeys);
        var number = Gen.Frequency((3, Gen.Elements(NumberLiterals)), (1, any));
        var rule = RuleOf(any, condition, featureKey, number);
        var rules = Gen.Frequency((8, Gen.ListOf(rule, 4).Select(Array)), (1, any));
        var feature = Gen.Frequency(
            (8, Gen.Zip(any, rules).SelectMany(p => Gen.Elements(true, false).Select(withRules => withRules ? Object([("defaultValue", p.Item1), ("rules", p.Item2)]) : Object([("defaultValue", p.Item1)])))),
            (1, any));
        var features = Gen.Frequency((8, Gen.ListOf(Gen.Zip(featureKey, feature), 6).Select(f => Object(f.Select(x => (x.Item1, x.Item2))))), (1, any));
        var experiment = rule.Select(r => r.Length > 2 ? "{\"key\":\"exp\",\"variations\":[0,1]," + r[1..] : "{\"key\":\"exp\",\"variations\":[0,1]}");
        var experiments = Gen.Frequency((3, Gen.ListOf(experiment, 2).Select(Array)), (1, any));
        var savedGroups = Gen.Frequency(
            (3, Gen.Zip(Gen.ListOf(Leaf, 4).Select(Array), condition).Select(p => $"{{\"g1\":{p.Item1},\"g2\":{{\"type\":\"list\",\"values\":{p.Item1}}},\"cycle\":{{\"condition\":{{\"$savedGroup\":{{\"id\":\"cycle\"}}}}}},\"c\":{{\"condition\":{p.Item2}}}}}")),
            (1, any));
        var document = Gen.Zip(Gen.Zip(features, experiments), Gen.Zip(savedGroups, Gen.Elements("\"2024-01-01T00:00:00Z\"", "1", "null", "{}", "\"\\ud800\"")))
            .SelectMany(p => Gen.Elements(0, 0, 0, 0, 1, 2, 3).Select(extra => Object(
                new[] { ("status", "200"), ("features", p.Item1.Item1), ("experiments", p.Item1.Item2), ("savedGroups", p.Item2.Item1), ("dateUpdated", p.Item2.Item2) }
                    .Concat(extra switch
                    {
                        1 => new[] { ("encryptedFeatures", "\"bm90LWEta2V5.YWJj\"") },
                        3 => new[] { ("encryptedFeatures", "\"\\ud800.YWJj\"") },
                        2 => new[] { ("features", "{\"dup\":{\"defaultValue\":1}}") }, // a duplicate key: the last one wins
                        _ => System.Array.Empty<(string, string)>(),
                    }))));
        return Gen.Frequency((12, document), (1, any));
    }

    private static Gen<string> RuleOf(Gen<string> any, Gen<string> condition, Gen<string> featureKey, Gen<string> number)
    {
        var parent = Gen.Zip(featureKey, condition).SelectMany(p => Gen.Elements("true", "false", "1").Select(gate => Object([("id", Quote(p.Item1)), ("condition", p.Item2), ("gate", gate)])));
        var members = new (string Key, Gen<string> Value)[]
        {
            ("id", Gen.Elements("\"r1\"", "1")),
            ("condition", condition),
            ("parentConditions", Gen.Frequency((4, Gen.ListOf(parent, 2).Select(Array)), (1, any))),
            ("force", any),
            ("variations", Gen.Frequency((4, Gen.ListOf(Leaf, 3).Select(Array)), (1, any))),
            ("weights", Gen.Frequency((4, Gen.ListOf(number, 3).Select(Array)), (1, any))),
            ("coverage", number),
            ("hashAttribute", Gen.Frequency((4, Gen.Elements("\"id\"", "\"email\"", "\"tags\"", "\"obj\"", "\"missing\"")), (1, any))),
            ("fallbackAttribute", Gen.Elements("\"country\"", "1", "null")),
            ("hashVersion", Gen.Elements("1", "2", "3", "0", "-1", "\"2\"", "1e400")),
            ("seed", Gen.OneOf(Gen.Elements(StringLiterals), any)),
            ("key", Gen.OneOf(Gen.Elements(StringLiterals), any)),
            ("range", Gen.Frequency((3, Gen.ListOf(number, 2).Select(Array)), (1, any))),
            ("ranges", Gen.Frequency((3, Gen.ListOf(Gen.ListOf(number, 2).Select(Array), 3).Select(Array)), (1, any))),
            ("namespace", Gen.Frequency((3, Gen.Zip(number, number).Select(p => $"[\"ns\",{p.Item1},{p.Item2}]")), (1, any))),
            ("filters", Gen.Frequency((3, Gen.Constant("[{\"seed\":\"s\",\"ranges\":[[0,0.5]],\"attribute\":\"id\"}]")), (1, any))),
            ("meta", any),
            ("disableStickyBucketing", any),
            ("bucketVersion", number),
            ("minBucketVersion", number),
            ("tracks", any),
        };
        return Gen.ListOf(Gen.Elements(members).SelectMany(m => m.Value.Select(v => (m.Key, v))), 6).Select(Object);
    }
}
