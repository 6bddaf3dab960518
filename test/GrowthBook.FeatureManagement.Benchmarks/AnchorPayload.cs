using System.Globalization;
using System.Reflection;
using GrowthBook.FeatureManagement.Evaluation;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The shared anchor payload (<c>Payloads/anchor-features.json</c>, same work as the other SDKs' benchmarks) and the
/// 1,024 users every evaluation benchmark cycles over, plus the checks that the engine's answers are right.
/// </summary>
internal static class AnchorPayload
{
    /// <summary>Users cycled over (a power of two, so the index wraps with a mask).</summary>
    public const int UserCount = 1_024;

    public const string BoolFlag = "bool-flag";
    public const string TargetedFlag = "targeted-flag";
    public const string ExperimentFlag = "exp-flag";
    public const string ManyRulesFlag = "many-rules-flag";

    private const string FileName = "anchor-features.json";

    public static string ReadJson()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Payloads", FileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        // BenchmarkDotNet's generated child project may run from another folder: fall back to the embedded copy.
        using var stream = typeof(AnchorPayload).Assembly.GetManifestResourceStream(FileName)
            ?? throw new FileNotFoundException($"Neither {path} nor the embedded resource '{FileName}' was found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static GrowthBookPayload Load()
    {
        var payload = GrowthBookPayload.Parse(ReadJson());
        if (payload.Warnings.Count != 0)
        {
            throw new InvalidOperationException("The anchor payload compiled with warnings: " + string.Join("; ", payload.Warnings));
        }

        return payload;
    }

    /// <summary><c>{"id": "user-N", "country": "US", "age": 30, "plan": "free"}</c> for N = 0 … 1023.</summary>
    public static UserContext[] CreateUsers()
    {
        var users = new UserContext[UserCount];
        for (var i = 0; i < users.Length; i++)
        {
            var attributes = GrowthBookAttributes.From(
            [
                new("id", "user-" + i.ToString(CultureInfo.InvariantCulture)),
                new("country", "US"),
                new("age", 30),
                new("plan", "free"),
            ]);
            users[i] = new UserContext { Attributes = attributes };
        }

        return users;
    }

    /// <summary>
    /// Throws unless the engine gives the expected answers (see shared/bench/README.md, the benchmark payload's provenance), so that a broken
    /// engine cannot produce fast but meaningless numbers. <paramref name="evaluate"/> takes a user index and a feature key.
    /// </summary>
    public static void Verify(int userCount, Func<int, string, FeatureResult> evaluate)
    {
        var inExperiment = 0;
        var variationOne = 0;
        for (var user = 0; user < userCount; user++)
        {
            var boolFlag = evaluate(user, BoolFlag);
            Check(boolFlag.On && boolFlag.Source == FeatureSource.DefaultValue, BoolFlag, "on from its default value", boolFlag);

            var targeted = evaluate(user, TargetedFlag);
            Check(targeted.On && targeted.Source == FeatureSource.Force && targeted.RuleId == "fr_target", TargetedFlag, "on from force rule fr_target", targeted);

            var manyRules = evaluate(user, ManyRulesFlag);
            Check(manyRules.On && manyRules.Source == FeatureSource.Force && manyRules.RuleId == "fr_many_20", ManyRulesFlag, "on from force rule fr_many_20", manyRules);

            var experiment = evaluate(user, ExperimentFlag);
            if (experiment.Source == FeatureSource.Experiment)
            {
                Check(experiment.RuleId == "fr_exp" && experiment.ExperimentResult is { InExperiment: true, HashUsed: true }, ExperimentFlag, "bucketed by hash from rule fr_exp", experiment);
                inExperiment++;
                if (experiment.ExperimentResult!.VariationId == 1)
                {
                    variationOne++;
                }
            }
        }

        // Coverage 1: everybody should be in; 50/50 weights: each variation should get roughly half of 1,024 users.
        if (inExperiment < userCount * 95 / 100)
        {
            throw new InvalidOperationException($"'{ExperimentFlag}': only {inExperiment} of {userCount} users were put in the experiment.");
        }

        if (variationOne < inExperiment * 40 / 100 || variationOne > inExperiment * 60 / 100)
        {
            throw new InvalidOperationException($"'{ExperimentFlag}': {variationOne} of {inExperiment} users got variation 1; expected about half.");
        }
    }

    /// <summary>The raw engine path, as GrowthBookScope calls it, with no sticky bucketing and no observer.</summary>
    public static FeatureResult EvalRaw(GrowthBookPayload payload, UserContext user, string key)
    {
        var ctx = new EvaluationContext(payload, user, sticky: null, observer: null);
        return Evaluator.EvalFeature(ctx, key);
    }

    private static void Check(bool ok, string key, string expected, FeatureResult actual)
    {
        if (!ok)
        {
            throw new InvalidOperationException(
                $"'{key}' should be {expected}, but was value {actual.Value.GetRawText()} from {actual.Source} (rule '{actual.RuleId}').");
        }
    }
}
