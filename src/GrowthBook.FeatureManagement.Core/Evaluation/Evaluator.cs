using System.Globalization;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.StickyBucketing;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// GrowthBook's evaluation, step for step as JS SDK 1.8.0's <c>core.ts</c> (docs/engine.md, "Evaluation order"): <c>evalFeature</c>,
/// <c>runExperiment</c> and the helpers they share. Pure over the compiled payload and the user context;
/// nothing here allocates on the common paths except the results of experiments.
/// </summary>
internal static class Evaluator
{
    private static readonly string[] IndexKeys = Enumerable.Range(0, 32).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>What a feature rule sees when the user is not in its experiment (the result is discarded there).</summary>
    private static readonly ExperimentResult NotInExperiment = new(
        "0", null, false, false, 0, FeatureValue.Null, "id", JsValue.EmptyString, false, null, null, false, null);

    /// <summary>
    /// Prerequisite chains longer than this are treated as cycles. Evaluation recurses once per link, and a hostile
    /// payload's chain of many thousands would otherwise overflow the stack, which ends the process. Real chains are a few links.
    /// </summary>
    public const int MaxPrerequisiteDepth = 64;

    /// <summary><c>evalFeature(id)</c>.</summary>
    public static FeatureResult EvalFeature(in EvaluationContext ctx, string id)
    {
        if (ctx.Stack is { } stack && (stack.Depth >= MaxPrerequisiteDepth || FeatureStack.Contains(stack, id)))
        {
            return Usage(ctx, new FeatureResult(id, FeatureValue.Null, FeatureSource.CyclicPrerequisite, null, null, null));
        }

        if (ctx.User.ForcedFeatures is { } forced && forced.TryGetValue(id, out var forcedValue))
        {
            return new FeatureResult(id, forcedValue, FeatureSource.Override, null, null, null); // overrides are not tracked
        }

        if (!ctx.Payload.TryGetFeature(id, out var feature))
        {
            return Usage(ctx, new FeatureResult(id, FeatureValue.Null, FeatureSource.UnknownFeature, null, null, null));
        }

        FeatureStack? inner = null;
        foreach (var rule in feature.Rules)
        {
            if (rule.ParentConditions is { } parents)
            {
                // Each parent is evaluated from the set as it was when the rules loop began, plus this feature.
                inner ??= new FeatureStack(id, ctx.Stack);
                var outcome = CheckParents(ctx.WithStack(inner), parents);
                if (outcome == ParentOutcome.Cyclic)
                {
                    return Usage(ctx, new FeatureResult(id, FeatureValue.Null, FeatureSource.CyclicPrerequisite, null, null, null));
                }

                if (outcome == ParentOutcome.GateFailed)
                {
                    return Usage(ctx, new FeatureResult(id, FeatureValue.Null, FeatureSource.Prerequisite, null, null, null));
                }

                if (outcome == ParentOutcome.Failed)
                {
                    continue;
                }
            }

            if (rule.Filters is { } filters && IsFilteredOut(ctx, filters))
            {
                continue;
            }

            if (rule is ForceRule force)
            {
                if (force.Condition is { } condition && !condition.Evaluate(ctx.AttributesRoot, null))
                {
                    continue;
                }

                if (force.Rollout is { } rollout && !IsIncludedInRollout(ctx, rollout))
                {
                    continue;
                }

                if (rule.Tracks is { } tracks && ctx.Observer is { } observer)
                {
                    foreach (var track in tracks)
                    {
                        observer.OnExperimentViewed(track.Experiment, track.Result);
                    }
                }

                return Usage(ctx, force.ForceResult(id));
            }

            if (rule.Experiment is not { } experiment)
            {
                continue; // a rule with only prerequisites
            }

            if (rule.BanditLeaves is { } leaves)
            {
                foreach (var leaf in leaves)
                {
                    if (leaf.Condition.Evaluate(ctx.AttributesRoot, null))
                    {
                        experiment = leaf.Experiment;
                        break;
                    }
                }
            }

            var result = RunExperiment(ctx, experiment, id, exitResultNeeded: false);
            if (result.InExperiment && !result.Passthrough)
            {
                // The contextual-bandit block stays on the experiment only for users bucketed by hash.
                var reported = result.HashUsed ? experiment.Public : experiment.PublicWithoutBandit;
                return Usage(ctx, new FeatureResult(id, result.RawValue, FeatureSource.Experiment, rule.Id, reported, result));
            }
        }

        return Usage(ctx, feature.DefaultResult);
    }

    private enum ParentOutcome
    {
        Passed,
        Failed,
        GateFailed,
        Cyclic,
    }

    private static ParentOutcome CheckParents(in EvaluationContext ctx, CompiledParent[] parents)
    {
        foreach (var parent in parents)
        {
            var parentResult = EvalFeature(ctx, parent.Id);
            if (parentResult.Source == FeatureSource.CyclicPrerequisite)
            {
                return ParentOutcome.Cyclic;
            }

            var tested = JsValue.Object(new JsObject([new("value", parentResult.RawValue.Js)]));
            if (!parent.Condition.Evaluate(tested, null))
            {
                return parent.Gate ? ParentOutcome.GateFailed : ParentOutcome.Failed;
            }
        }

        return ParentOutcome.Passed;
    }

    private static FeatureResult Usage(in EvaluationContext ctx, FeatureResult result)
    {
        ctx.Observer?.OnFeatureUsage(result.Key, result);
        return result;
    }

    /// <summary><c>runExperiment(experiment, featureId)</c>.</summary>
    /// <param name="ctx">The evaluation context.</param>
    /// <param name="exp">The compiled experiment.</param>
    /// <param name="featureId">The feature running it, or null for an inline experiment.</param>
    /// <param name="exitResultNeeded">False when the caller only looks at in-experiment results (feature rules), so exits need no result of their own.</param>
    public static ExperimentResult RunExperiment(in EvaluationContext ctx, ExperimentDefinition exp, string? featureId, bool exitResultNeeded = true)
    {
        var user = ctx.User;
        var numVariations = exp.Variations.Length;

        // 1–2. Too few variations, or experiments turned off.
        if (numVariations < 2 || !user.Enabled)
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        // 2.6. URL targeting.
        if (exp.UrlTargeter is { } targeter && !targeter.IsTargeted(user.Url ?? ""))
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        // 3. Querystring override (unless the user context turns them off).
        if (user.AllowQueryStringOverrides && !string.IsNullOrEmpty(user.Url) && UrlTargeting.GetQueryStringOverride(exp.Key, user.Url, numVariations) is { } qsOverride)
        {
            return GetExperimentResult(ctx, exp, qsOverride, hashUsed: false, featureId);
        }

        // 4. Forced variation.
        if (user.ForcedVariations is { } forcedVariations && forcedVariations.TryGetValue(exp.Key, out var forcedVariation))
        {
            return GetExperimentResult(ctx, exp, forcedVariation, hashUsed: false, featureId);
        }

        // 5. Draft or inactive.
        if (exp.Inactive || exp.Status == "draft")
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        // 6. Hash attribute (the fallback only with sticky bucketing on).
        var stickyActive = ctx.Sticky is not null && !exp.DisableStickyBucketing;
        var (hashAttribute, hashValue) = GetHashAttribute(ctx, exp.HashAttribute, stickyActive ? exp.FallbackAttribute : null);
        if (!hashValue.IsTruthy)
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        var hashString = hashValue.ToJsString();
        var assigned = -1;
        var foundStickyBucket = false;
        var versionIsBlocked = false;
        if (stickyActive)
        {
            (assigned, versionIsBlocked) = GetStickyBucketVariation(ctx, exp);
            foundStickyBucket = assigned >= 0;
        }

        // 7–8.05. Eligibility; skipped when a sticky bucket already decided.
        if (!foundStickyBucket)
        {
            if (exp.Filters is { } filters)
            {
                if (IsFilteredOut(ctx, filters))
                {
                    return Exit(ctx, exp, featureId, exitResultNeeded);
                }
            }
            else if (exp.Namespace is { } ns && !Bucketing.InNamespace(hashString, ns))
            {
                return Exit(ctx, exp, featureId, exitResultNeeded);
            }

            if (exp.Condition is { } condition && !condition.Evaluate(ctx.AttributesRoot, null))
            {
                return Exit(ctx, exp, featureId, exitResultNeeded);
            }

            if (exp.ParentConditions is { } parents && CheckParents(ctx, parents) != ParentOutcome.Passed)
            {
                return Exit(ctx, exp, featureId, exitResultNeeded);
            }
        }

        // 9. Hash and bucket.
        if (HashWithSeed(exp.Seed, exp.SeedState, hashString, exp.HashVersion) is not { } n)
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        if (!foundStickyBucket)
        {
            assigned = Bucketing.ChooseVariation(n, exp.Ranges);
        }

        // 9.5. Sticky bucket from a blocked version: unenrolled.
        if (versionIsBlocked)
        {
            return GetExperimentResult(ctx, exp, -1, hashUsed: false, featureId, bucket: null, stickyBucketUsed: true);
        }

        // 10. Outside coverage.
        if (assigned < 0)
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        // 11. Forced variation in the experiment itself.
        if (exp.Force is { } force)
        {
            return GetExperimentResult(ctx, exp, force, hashUsed: false, featureId);
        }

        // 12–12.5. QA mode, stopped.
        if (user.QaMode || exp.Status == "stopped")
        {
            return Exit(ctx, exp, featureId, exitResultNeeded);
        }

        // 13. In the experiment.
        var result = GetExperimentResult(ctx, exp, assigned, hashUsed: true, featureId, n, foundStickyBucket, (hashAttribute, hashValue));

        // 13.5. Persist the sticky bucket.
        if (stickyActive)
        {
            ctx.Sticky!.Assign(hashAttribute, ToStickyString(hashValue), exp.StickyKey, result.Key);
        }

        // 14. Tracking.
        ctx.Observer?.OnExperimentViewed(exp.Public, result);
        return result;
    }

    private static ExperimentResult Exit(in EvaluationContext ctx, ExperimentDefinition exp, string? featureId, bool exitResultNeeded)
        => exitResultNeeded ? GetExperimentResult(ctx, exp, -1, hashUsed: false, featureId) : NotInExperiment;

    /// <summary><c>getExperimentResult</c>.</summary>
    /// <param name="ctx">The evaluation context.</param>
    /// <param name="exp">The experiment.</param>
    /// <param name="variationIndex">The assigned variation, or -1.</param>
    /// <param name="hashUsed">Whether hashing decided.</param>
    /// <param name="featureId">The feature, or null.</param>
    /// <param name="bucket">The hash, when computed.</param>
    /// <param name="stickyBucketUsed">Whether a sticky bucket decided.</param>
    /// <param name="hash">The hash attribute and value when the caller already has them (the same <c>getHashAttribute</c> call).</param>
    private static ExperimentResult GetExperimentResult(
        in EvaluationContext ctx,
        ExperimentDefinition exp,
        int variationIndex,
        bool hashUsed,
        string? featureId,
        double? bucket = null,
        bool stickyBucketUsed = false,
        (string Attribute, JsValue Value)? hash = null)
    {
        var inExperiment = true;
        if (variationIndex < 0 || variationIndex >= exp.Variations.Length)
        {
            variationIndex = 0;
            inExperiment = false;
        }

        var stickyActive = ctx.Sticky is not null && !exp.DisableStickyBucketing;
        var (hashAttribute, hashValue) = hash ?? GetHashAttribute(ctx, exp.HashAttribute, stickyActive ? exp.FallbackAttribute : null);
        var meta = exp.Meta is { } metas && variationIndex < metas.Length ? metas[variationIndex] : null;
        var key = meta?.Key ?? (variationIndex < IndexKeys.Length ? IndexKeys[variationIndex] : variationIndex.ToString(CultureInfo.InvariantCulture));
        return new ExperimentResult(
            key,
            featureId,
            inExperiment,
            hashUsed,
            variationIndex,
            variationIndex < exp.Variations.Length ? exp.Variations[variationIndex] : FeatureValue.Null, // no variations: JS reads undefined
            hashAttribute,
            hashValue,
            stickyBucketUsed,
            meta?.Name,
            bucket,
            meta?.Passthrough == true,
            hashUsed && inExperiment ? exp.Bandit : null);
    }

    /// <summary>
    /// <c>hash(seed, value, version)</c> for a seed known at compile time: version 2 hashes <c>seed + value</c>, so the
    /// FNV state after the seed is precomputed (<paramref name="seedState"/>) and only the value is hashed here.
    /// </summary>
    private static double? HashWithSeed(string seed, uint seedState, string value, int version)
        => version == 2 ? Fnv.HashDecimal(Fnv.Append(seedState, value)) % 10000 / 10000.0 : Bucketing.Hash(seed, value, version);

    /// <summary><c>getHashAttribute(attr, fallback)</c>: the attribute's value if truthy, else the fallback's, else "".</summary>
    private static (string Attribute, JsValue Value) GetHashAttribute(in EvaluationContext ctx, string? attribute, string? fallback)
    {
        var hashAttribute = attribute ?? "id";
        var attributes = ctx.Attributes;
        if (attributes.TryGetValue(hashAttribute, out var value) && value.IsTruthy)
        {
            return (hashAttribute, value);
        }

        if (fallback is not null && attributes.TryGetValue(fallback, out var fallbackValue) && fallbackValue.IsTruthy)
        {
            return (fallback, fallbackValue);
        }

        return (hashAttribute, JsValue.EmptyString);
    }

    /// <summary><c>isFilteredOut</c>: true if any filter excludes the user.</summary>
    private static bool IsFilteredOut(in EvaluationContext ctx, ExperimentFilter[] filters)
    {
        foreach (var filter in filters)
        {
            var (_, hashValue) = GetHashAttribute(ctx, filter.Attribute, null);
            if (!hashValue.IsTruthy)
            {
                return true;
            }

            if (Bucketing.Hash(filter.Seed, hashValue.ToJsString(), filter.HashVersion ?? 2) is not { } n)
            {
                return true;
            }

            var inAny = false;
            foreach (var range in filter.Ranges)
            {
                if (Bucketing.InRange(n, range))
                {
                    inAny = true;
                    break;
                }
            }

            if (!inAny)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>isIncludedInRollout</c> for a rule with a <c>range</c> or a <c>coverage</c> (without either, everyone is included).</summary>
    private static bool IsIncludedInRollout(in EvaluationContext ctx, Rollout rollout)
    {
        if (rollout.Range is null && rollout.Coverage == 0)
        {
            return false;
        }

        var fallback = ctx.Sticky is not null && !rollout.DisableStickyBucketing ? rollout.FallbackAttribute : null;
        var (_, hashValue) = GetHashAttribute(ctx, rollout.HashAttribute, fallback);
        if (!hashValue.IsTruthy)
        {
            return false;
        }

        if (HashWithSeed(rollout.Seed, rollout.SeedState, hashValue.ToJsString(), rollout.HashVersion) is not { } n)
        {
            return false;
        }

        return rollout.Range is { } r ? Bucketing.InRange(n, r) : n <= rollout.Coverage!.Value;
    }

    /// <summary><c>getStickyBucketVariation</c>: the stored variation (or -1), and whether an old bucket version blocks the user.</summary>
    private static (int Variation, bool VersionIsBlocked) GetStickyBucketVariation(in EvaluationContext ctx, ExperimentDefinition exp)
    {
        var (hashAttribute, hashValue) = GetHashAttribute(ctx, exp.HashAttribute, null);
        var hashKey = StickyAssignmentsDocument.GetKey(hashAttribute, ToStickyString(hashValue));
        // Note: with no fallback attribute, getHashAttribute(undefined) reads "id".
        var (fallbackAttribute, fallbackValue) = GetHashAttribute(ctx, exp.FallbackAttribute, null);
        var fallbackKey = fallbackValue.IsTruthy ? StickyAssignmentsDocument.GetKey(fallbackAttribute, ToStickyString(fallbackValue)) : null;
        // Looked up in the two documents directly: merging them would copy every assignment on each evaluation.
        var documents = ctx.Sticky!.GetDocuments(hashKey, fallbackKey);

        for (var i = 0; i < exp.MinBucketVersion; i++)
        {
            if (StickyBucketState.TryGetAssignment(documents, exp.Key + "__" + i.ToString(CultureInfo.InvariantCulture), out _))
            {
                return (-1, true);
            }
        }

        if (!StickyBucketState.TryGetAssignment(documents, exp.StickyKey, out var variationKey) || exp.Meta is not { } meta)
        {
            return (-1, false);
        }

        for (var i = 0; i < meta.Length; i++)
        {
            if (meta[i].Key == variationKey)
            {
                return (i, false);
            }
        }

        return (-1, false);
    }

    /// <summary>The sticky-bucket form of an attribute value: strings as they are, anything else as JSON.</summary>
    internal static string ToStickyString(in JsValue value) => value.Type == JsType.String ? value.StringValue : value.ToJson();
}
