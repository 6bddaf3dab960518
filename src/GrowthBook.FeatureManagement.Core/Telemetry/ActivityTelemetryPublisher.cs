using System.Diagnostics;
using System.Text.Json;
using GrowthBook.FeatureManagement.Telemetry;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Reports evaluations and exposures as <see cref="Activity"/>s, in two shapes, each only while someone listens:
/// <list type="bullet">
/// <item>on <see cref="GrowthBookTelemetry.ActivitySourceName"/>, following the OpenTelemetry semantic conventions for
/// feature flags: an activity <c>feature_flag.evaluation</c> with an event of the same name, tagged
/// <c>feature_flag.key</c>, <c>feature_flag.provider.name</c> (<c>GrowthBook</c>), <c>feature_flag.result.variant</c>,
/// <c>feature_flag.result.reason</c>, <c>growthbook.experiment.key</c>, <c>growthbook.experiment.variation_id</c>; and an
/// activity <c>growthbook.experiment_viewed</c> per exposure;</item>
/// <item>on <see cref="GrowthBookTelemetry.FeatureManagementActivitySourceName"/>, Microsoft.FeatureManagement's
/// <c>FeatureEvaluation</c> activity with its <c>FeatureFlag</c> event (<c>FeatureName</c>, <c>Enabled</c>,
/// <c>Variant</c>, <c>VariantAssignmentReason</c>, <c>Version</c>, <c>TargetingId</c>), so FM's telemetry listeners
/// see GrowthBook evaluations.</item>
/// </list>
/// </summary>
/// <remarks>
/// Publishers run on the client's background queue. Each activity is created there as a child of the activity that was
/// current where the evaluation happened (<see cref="GrowthBookTelemetryEvent.ParentContext"/>), starting and ending at
/// the evaluation's time, so it lands in the request's trace. Nothing is added to the request activity itself. With no
/// listener, <see cref="IsEnabled"/> is false and evaluation creates no event for this publisher.
/// </remarks>
/// <param name="includeUserId">
/// Whether the user id goes into <c>feature_flag.context.id</c> and FM's <c>TargetingId</c> (the experiment's hash value,
/// else the <c>id</c> attribute). Default true, as Microsoft.FeatureManagement does.
/// </param>
public sealed class ActivityTelemetryPublisher(bool includeUserId = true) : ITelemetryPublisher
{
    private const string FeatureManagementEventVersion = "1.0.0";

    /// <summary>True while either source has a listener.</summary>
    public bool IsEnabled => GrowthBookInstruments.Source.HasListeners() || GrowthBookInstruments.FeatureManagementSource.HasListeners();

    /// <summary>True while either source has a listener: each evaluation is reported.</summary>
    public bool ReceivesEvaluations => IsEnabled;

    /// <inheritdoc />
    public ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(telemetryEvent);
        switch (telemetryEvent)
        {
            case FeatureEvaluatedEvent evaluated:
                PublishEvaluation(evaluated);
                PublishFeatureManagementEvaluation(evaluated);
                break;
            case ExperimentViewedEvent viewed:
                PublishExposure(viewed);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void PublishEvaluation(FeatureEvaluatedEvent evaluated)
    {
        if (!GrowthBookInstruments.Source.HasListeners())
        {
            return;
        }

        var result = evaluated.Result;
        var tags = new ActivityTagsCollection
        {
            ["feature_flag.key"] = evaluated.FeatureKey,
            ["feature_flag.provider.name"] = GrowthBookTelemetry.ProviderName,
            ["feature_flag.result.reason"] = FeatureFlagReasons.Of(result.Source),
            ["growthbook.source"] = FeatureFlagReasons.GrowthBookName(result.Source),
        };
        if (FeatureFlagReasons.Variant(result) is { } variant)
        {
            tags["feature_flag.result.variant"] = variant;
        }

        if (FeatureFlagReasons.ErrorType(result.Source) is { } error)
        {
            tags["error.type"] = error;
        }

        if (result.Experiment is { } experiment && result.ExperimentResult is { } experimentResult)
        {
            tags["growthbook.experiment.key"] = experiment.Key;
            tags["growthbook.experiment.variation_id"] = experimentResult.VariationId;
        }

        if (includeUserId && UserId(evaluated.User, result.ExperimentResult) is { } id)
        {
            tags["feature_flag.context.id"] = id;
        }

        Emit(GrowthBookInstruments.Source, "feature_flag.evaluation", evaluated, tags);
    }

    private void PublishFeatureManagementEvaluation(FeatureEvaluatedEvent evaluated)
    {
        if (!GrowthBookInstruments.FeatureManagementSource.HasListeners())
        {
            return;
        }

        var result = evaluated.Result;
        var tags = new ActivityTagsCollection
        {
            ["FeatureName"] = evaluated.FeatureKey,
            ["Enabled"] = result.On,
            ["VariantAssignmentReason"] = FeatureFlagReasons.VariantAssignmentReason(result),
            ["Version"] = FeatureManagementEventVersion,
        };
        if (includeUserId && UserId(evaluated.User, result.ExperimentResult) is { } id)
        {
            tags["TargetingId"] = id;
        }

        if (FeatureFlagReasons.Variant(result) is { } variant)
        {
            tags["Variant"] = variant;
        }

        // As Microsoft.FeatureManagement 4.x: a FeatureEvaluation activity carrying one FeatureFlag event.
        using var activity = GrowthBookInstruments.FeatureManagementSource.StartActivity("FeatureEvaluation", ActivityKind.Internal, evaluated.ParentContext, startTime: evaluated.Timestamp);
        if (activity is null)
        {
            return;
        }

        activity.AddEvent(new ActivityEvent("FeatureFlag", evaluated.Timestamp, tags));
    }

    private void PublishExposure(ExperimentViewedEvent viewed)
    {
        if (!GrowthBookInstruments.Source.HasListeners())
        {
            return;
        }

        var result = viewed.Result;
        var tags = new ActivityTagsCollection
        {
            ["feature_flag.provider.name"] = GrowthBookTelemetry.ProviderName,
            ["growthbook.experiment.key"] = viewed.Experiment.Key,
            ["growthbook.experiment.variation_id"] = result.VariationId,
            ["feature_flag.result.variant"] = result.Key,
            ["growthbook.experiment.hash_attribute"] = result.HashAttribute,
            ["growthbook.experiment.in_experiment"] = result.InExperiment,
        };
        if (result.FeatureId is { } feature)
        {
            tags["feature_flag.key"] = feature;
        }

        if (includeUserId && UserId(viewed.User, result) is { } id)
        {
            tags["feature_flag.context.id"] = id;
        }

        Emit(GrowthBookInstruments.Source, "growthbook.experiment_viewed", viewed, tags);
    }

    private static void Emit(ActivitySource source, string name, GrowthBookTelemetryEvent item, ActivityTagsCollection tags)
    {
        using var activity = source.StartActivity(name, ActivityKind.Internal, item.ParentContext, tags, startTime: item.Timestamp);
        if (activity is null)
        {
            return;
        }

        activity.AddEvent(new ActivityEvent(name, item.Timestamp, tags));
    }

    private static string? UserId(UserContext user, ExperimentResult? experiment)
        => experiment is not null ? AsText(experiment.HashValue)
            : user.Attributes.TryGetValue("id", out var id) ? AsText(id)
            : null;

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
