using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// Builds, deterministically, a GrowthBook API payload with a given number of features in proportions resembling
/// real payloads: many plain flags and configs, targeted force rules (<c>$in</c>/<c>$gt</c>, <c>$regex</c>,
/// <c>$vgte</c>, <c>$inGroup</c>, <c>$or</c>, nested paths), percentage rollouts with coverage, 2- and 3-way
/// experiment rules (meta, weights, hashVersion 2), prerequisites, and features with several rules.
/// </summary>
internal static class LargePayloadGenerator
{
    public const int SavedGroupCount = 25;
    public const int SavedGroupSize = 50;

    private static readonly string[] Countries = ["US", "CA", "GB", "DE", "FR", "NL", "SE", "JP", "AU", "BR", "IN", "MX"];
    private static readonly string[] Plans = ["free", "starter", "pro", "business", "enterprise"];

    public static byte[] Generate(int featureCount, int seed = 20260101)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(featureCount * 700);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("status", 200);
            w.WriteStartObject("features");
            for (var i = 0; i < featureCount; i++)
            {
                w.WriteStartObject(FeatureKey(i));
                WriteFeature(w, i, random);
                w.WriteEndObject();
            }

            w.WriteEndObject();

            w.WriteStartObject("savedGroups");
            for (var g = 0; g < SavedGroupCount; g++)
            {
                w.WriteStartArray(GroupId(g));
                for (var k = 0; k < SavedGroupSize; k++)
                {
                    w.WriteStringValue("user-" + ((g * 37) + (k * 13)).ToString(CultureInfo.InvariantCulture));
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteString("dateUpdated", "2026-01-01T00:00:00.000Z");
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string FeatureKey(int i) => "feature-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static string GroupId(int g) => "grp_" + g.ToString("D2", CultureInfo.InvariantCulture);

    private static void WriteFeature(Utf8JsonWriter w, int i, Random random)
    {
        switch (i % 20)
        {
            case 0 or 1 or 2:
                w.WriteBoolean("defaultValue", random.Next(2) == 0);
                break;
            case 3:
                w.WriteString("defaultValue", "variant-" + random.Next(100).ToString(CultureInfo.InvariantCulture));
                break;
            case 4:
                w.WriteNumber("defaultValue", random.Next(1, 500));
                break;
            case 5:
                w.WriteStartObject("defaultValue");
                w.WriteString("title", "Welcome back");
                w.WriteNumber("maxItems", random.Next(5, 50));
                w.WriteBoolean("showBanner", true);
                w.WriteStartArray("colors");
                w.WriteStringValue("#112233");
                w.WriteStringValue("#445566");
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case 6 or 7:
                Rules(w, false, () =>
                {
                    ForceRule(w, i, 0, true, () =>
                    {
                        w.WriteStartObject("country");
                        w.WriteStartArray("$in");
                        w.WriteStringValue(Countries[random.Next(Countries.Length)]);
                        w.WriteStringValue(Countries[random.Next(Countries.Length)]);
                        w.WriteStringValue(Countries[random.Next(Countries.Length)]);
                        w.WriteEndArray();
                        w.WriteEndObject();
                        w.WriteStartObject("age");
                        w.WriteNumber("$gt", 18);
                        w.WriteEndObject();
                    });
                });
                break;
            case 8:
                Rules(w, false, () =>
                {
                    ForceRule(w, i, 0, true, () =>
                    {
                        w.WriteStartObject("email");
                        w.WriteString("$regex", "@(example|growthbook)\\.(com|io)$");
                        w.WriteEndObject();
                        w.WriteStartObject("appVersion");
                        w.WriteString("$vgte", "2." + random.Next(10).ToString(CultureInfo.InvariantCulture) + ".0");
                        w.WriteEndObject();
                    });
                });
                break;
            case 9:
                Rules(w, false, () =>
                {
                    ForceRule(w, i, 0, true, () =>
                    {
                        w.WriteStartObject("id");
                        w.WriteString("$inGroup", GroupId(random.Next(SavedGroupCount)));
                        w.WriteEndObject();
                    });
                    ForceRule(w, i, 1, false, () =>
                    {
                        w.WriteStartObject("id");
                        w.WriteString("$notInGroup", GroupId(random.Next(SavedGroupCount)));
                        w.WriteEndObject();
                        w.WriteString("plan", Plans[random.Next(Plans.Length)]);
                    });
                });
                break;
            case 10 or 11:
                Rules(w, false, () => RolloutRule(w, i, 0, random));
                break;
            case 12 or 13 or 14:
                Rules(w, "control", () => ExperimentRule(w, i, 0, random, withCondition: i % 3 == 0));
                break;
            case 15:
                // Gated on an earlier plain boolean flag (i % 20 == 0 features are booleans).
                Rules(w, false, () =>
                {
                    w.WriteStartObject();
                    w.WriteString("id", RuleId(i, 0));
                    w.WriteStartArray("parentConditions");
                    w.WriteStartObject();
                    w.WriteString("id", FeatureKey(i - 15));
                    w.WriteStartObject("condition");
                    w.WriteBoolean("value", true);
                    w.WriteEndObject();
                    w.WriteBoolean("gate", i % 40 == 15);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteBoolean("force", true);
                    w.WriteEndObject();
                });
                break;
            case 16:
                // A realistic multi-rule feature: an internal-users override, a staged rollout, then an experiment.
                Rules(w, "control", () =>
                {
                    ForceRule(w, i, 0, "internal", () =>
                    {
                        w.WriteStartObject("email");
                        w.WriteString("$regex", "@growthbook\\.io$");
                        w.WriteEndObject();
                    });
                    RolloutRule(w, i, 1, random);
                    ExperimentRule(w, i, 2, random, withCondition: true);
                });
                break;
            case 17:
                Rules(w, false, () =>
                {
                    ForceRule(w, i, 0, true, () =>
                    {
                        w.WriteStartArray("$or");
                        w.WriteStartObject();
                        w.WriteStartObject("company.plan");
                        w.WriteStartArray("$in");
                        w.WriteStringValue("business");
                        w.WriteStringValue("enterprise");
                        w.WriteEndArray();
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteStartObject();
                        w.WriteStartObject("beta");
                        w.WriteBoolean("$exists", true);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteStartObject("browser");
                        w.WriteStartArray("$nin");
                        w.WriteStringValue("ie");
                        w.WriteStringValue("opera");
                        w.WriteEndArray();
                        w.WriteEndObject();
                    });
                });
                break;
            default:
                Rules(w, false, () => ForceRule(w, i, 0, true, () => w.WriteString("plan", Plans[random.Next(Plans.Length)])));
                break;
        }
    }

    private static string RuleId(int feature, int rule)
        => "fr_" + feature.ToString(CultureInfo.InvariantCulture) + "_" + rule.ToString(CultureInfo.InvariantCulture);

    private static void Rules<T>(Utf8JsonWriter w, T defaultValue, Action writeRules)
    {
        w.WritePropertyName("defaultValue");
        WriteScalar(w, defaultValue);
        w.WriteStartArray("rules");
        writeRules();
        w.WriteEndArray();
    }

    // Without System.Text.Json's reflection, so the AOT check app (which links this file) compiles it under Native AOT.
    private static void WriteScalar<T>(Utf8JsonWriter w, T value)
    {
        switch (value)
        {
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            default:
                throw new ArgumentException($"{typeof(T)} is not a scalar the generator writes", nameof(value));
        }
    }

    private static void ForceRule<T>(Utf8JsonWriter w, int feature, int rule, T force, Action writeCondition)
    {
        w.WriteStartObject();
        w.WriteString("id", RuleId(feature, rule));
        w.WriteStartObject("condition");
        writeCondition();
        w.WriteEndObject();
        w.WritePropertyName("force");
        WriteScalar(w, force);
        w.WriteEndObject();
    }

    private static void RolloutRule(Utf8JsonWriter w, int feature, int rule, Random random)
    {
        w.WriteStartObject();
        w.WriteString("id", RuleId(feature, rule));
        w.WriteBoolean("force", true);
        w.WriteNumber("coverage", random.Next(1, 20) / 20.0);
        w.WriteString("hashAttribute", "id");
        w.WriteString("seed", "rollout-" + feature.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("hashVersion", 2);
        w.WriteEndObject();
    }

    private static void ExperimentRule(Utf8JsonWriter w, int feature, int rule, Random random, bool withCondition)
    {
        var ways = random.Next(2) == 0 ? 2 : 3;
        var key = "exp-" + feature.ToString(CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteString("id", RuleId(feature, rule));
        if (withCondition)
        {
            w.WriteStartObject("condition");
            w.WriteStartObject("country");
            w.WriteStartArray("$in");
            w.WriteStringValue("US");
            w.WriteStringValue(Countries[random.Next(Countries.Length)]);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteString("key", key);
        w.WriteString("seed", key);
        w.WriteNumber("hashVersion", 2);
        w.WriteString("hashAttribute", "id");
        w.WriteNumber("coverage", random.Next(2) == 0 ? 1 : 0.8);
        w.WriteStartArray("weights");
        for (var v = 0; v < ways; v++)
        {
            w.WriteNumberValue(ways == 2 ? 0.5 : (v == 0 ? 0.34 : 0.33));
        }

        w.WriteEndArray();
        w.WriteStartArray("variations");
        w.WriteStringValue("control");
        for (var v = 1; v < ways; v++)
        {
            w.WriteStringValue("treatment-" + v.ToString(CultureInfo.InvariantCulture));
        }

        w.WriteEndArray();
        w.WriteStartArray("meta");
        for (var v = 0; v < ways; v++)
        {
            w.WriteStartObject();
            w.WriteString("key", v.ToString(CultureInfo.InvariantCulture));
            w.WriteString("name", v == 0 ? "Control" : "Treatment " + v.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("phase", "0");
        w.WriteString("name", "Experiment " + feature.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }
}
