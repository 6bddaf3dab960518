using System.Diagnostics;
using GrowthBook.FeatureManagement.Tests.Client;
using GrowthBook.FeatureManagement.Tests.Tracking;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Telemetry;

/// <summary>The ActivitySource publisher, read by a real <see cref="ActivityListener"/>: OpenTelemetry's and Microsoft.FeatureManagement's shapes.</summary>
[TestFixture]
public sealed class ActivityTelemetryPublisherTests : ClientTestBase
{
    private static readonly ActivitySource TestSource = new("GrowthBook.Tests.Requests");

    [Test]
    public async Task AnEvaluation_IsAFeatureFlagEvaluationActivity_InTheRequestsTrace()
    {
        using var recorder = new ActivityRecorder(GrowthBookTelemetry.ActivitySourceName, GrowthBookTelemetry.FeatureManagementActivitySourceName, TestSource.Name);
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory, telemetryPublishers: [new ActivityTelemetryPublisher()]));
        await client.InitializeAsync();

        FeatureResult checkout;
        ActivityContext request;
        using (var parent = TestSource.StartActivity("GET /checkout")!)
        {
            request = parent.Context;
            checkout = client.EvalFeature("checkout", TrackingFixtures.User("a-1"));
            client.EvalFeature("banner", TrackingFixtures.User("a-1"));
        }

        await client.FlushAsync();
        var ours = recorder.Stopped.Where(a => a.Source.Name == GrowthBookTelemetry.ActivitySourceName).ToList();
        var evaluation = ours.Single(a => a.OperationName == "feature_flag.evaluation" && Tag(a, "feature_flag.key") == "checkout");
        var banner = ours.Single(a => a.OperationName == "feature_flag.evaluation" && Tag(a, "feature_flag.key") == "banner");
        var exposure = ours.Single(a => a.OperationName == "growthbook.experiment_viewed");
        var variation = checkout.ExperimentResult!;
        Assert.Multiple(() =>
        {
            Assert.That(evaluation.TraceId, Is.EqualTo(request.TraceId), "in the request's trace");
            Assert.That(evaluation.ParentSpanId, Is.EqualTo(request.SpanId), "a child of the activity current at evaluation");
            Assert.That(Tag(evaluation, "feature_flag.provider.name"), Is.EqualTo("GrowthBook"));
            Assert.That(Tag(evaluation, "feature_flag.result.reason"), Is.EqualTo("split"));
            Assert.That(Tag(evaluation, "feature_flag.result.variant"), Is.EqualTo(variation.Key));
            Assert.That(Tag(evaluation, "growthbook.experiment.key"), Is.EqualTo("checkout-exp"));
            Assert.That(evaluation.GetTagItem("growthbook.experiment.variation_id"), Is.EqualTo(variation.VariationId));
            Assert.That(Tag(evaluation, "feature_flag.context.id"), Is.EqualTo("a-1"));
            Assert.That(evaluation.Events.Single().Name, Is.EqualTo("feature_flag.evaluation"), "the semantic-convention event");
            Assert.That(evaluation.Events.Single().Tags.First(t => t.Key == "feature_flag.key").Value, Is.EqualTo("checkout"));
            Assert.That(Tag(banner, "feature_flag.result.reason"), Is.EqualTo("default"));
            Assert.That(Tag(banner, "feature_flag.result.variant"), Is.EqualTo("default"));
            Assert.That(Tag(exposure, "growthbook.experiment.key"), Is.EqualTo("checkout-exp"));
            Assert.That(Tag(exposure, "feature_flag.key"), Is.EqualTo("checkout"));
            Assert.That(exposure.ParentSpanId, Is.EqualTo(request.SpanId));
        });

        var fm = recorder.Stopped.Where(a => a.Source.Name == GrowthBookTelemetry.FeatureManagementActivitySourceName).ToList();
        var flag = fm.Select(a => a.Events.Single(e => e.Name == "FeatureFlag")).Single(e => Equals(EventTag(e, "FeatureName"), "checkout"));
        Assert.Multiple(() =>
        {
            Assert.That(fm.Select(a => a.OperationName).Distinct(), Is.EqualTo(new[] { "FeatureEvaluation" }), "Microsoft.FeatureManagement's activity name");
            Assert.That(EventTag(flag, "Enabled"), Is.EqualTo(true));
            Assert.That(EventTag(flag, "Variant"), Is.EqualTo(variation.Key));
            Assert.That(EventTag(flag, "VariantAssignmentReason"), Is.EqualTo("Percentile"));
            Assert.That(EventTag(flag, "Version"), Is.EqualTo("1.0.0"));
            Assert.That(EventTag(flag, "TargetingId"), Is.EqualTo("a-1"));
        });
    }

    [Test]
    public async Task WithNoListener_ThePublisherIsOff_AndEvaluationTracksNothing()
    {
        var publisher = new ActivityTelemetryPublisher();
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory, telemetryPublishers: [publisher]));
        await client.InitializeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(publisher.IsEnabled, Is.False);
            Assert.That(client.HasClientTracking, Is.False, "no observer, no event: evaluation pays nothing");
        });

        using var recorder = new ActivityRecorder(GrowthBookTelemetry.ActivitySourceName);
        Assert.That(client.HasClientTracking, Is.True, "a listener turns it on at once");
    }

    [Test]
    public async Task WithoutUserIds_NoIdTagIsSet()
    {
        using var recorder = new ActivityRecorder(GrowthBookTelemetry.ActivitySourceName, GrowthBookTelemetry.FeatureManagementActivitySourceName);
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory, telemetryPublishers: [new ActivityTelemetryPublisher(includeUserId: false)]));
        await client.InitializeAsync();
        client.EvalFeature("checkout", TrackingFixtures.User("private-id"));
        await client.FlushAsync();
        var texts = recorder.Stopped.SelectMany(a => a.TagObjects.Concat(a.Events.SelectMany(e => e.Tags))).Select(t => t.Value?.ToString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(recorder.Stopped, Is.Not.Empty);
            Assert.That(texts, Has.None.EqualTo("private-id"));
        });
    }

    [Test]
    public async Task TheLoggerPublisher_LogsExposures_WithoutAttributeValues()
    {
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory, telemetryPublishers: [new LoggerTelemetryPublisher(LoggerFactory)]));
        await client.InitializeAsync();
        var result = client.EvalFeature("checkout", TrackingFixtures.User("log-user-77"));
        await client.FlushAsync();
        var line = Logs.WithEventId(210).Single();
        Assert.Multiple(() =>
        {
            Assert.That(line.Message, Does.Contain("checkout-exp").And.Contain(result.ExperimentResult!.Key));
            Assert.That(Logs.Lines.Select(l => l.ToString()), Has.None.Contains("log-user-77"));
            Assert.That(Logs.WithEventId(211), Has.Count.EqualTo(1), "Debug is on in this test, so the evaluation is logged too");
        });
    }

    private static string? Tag(Activity activity, string key) => activity.GetTagItem(key)?.ToString();

    private static object? EventTag(ActivityEvent e, string key) => e.Tags.FirstOrDefault(t => t.Key == key).Value;
}
