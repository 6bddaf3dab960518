using System.ComponentModel.DataAnnotations;
using GrowthBook.FeatureManagement.Validation;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>How a <see cref="BatchingTrackingPlugin"/> batches, retries and bounds its memory.</summary>
public class TrackingPluginOptions
{
    /// <summary>Events per batch: a full batch is sent at once. Default 10.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "TrackingPluginOptions.BatchSize must be positive.")]
    public int BatchSize { get; set; } = 10;

    /// <summary>The longest an event waits for its batch to fill before the batch is sent anyway. Default 30 seconds.</summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "TrackingPluginOptions.FlushInterval must be positive.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a failed batch (after the first attempt) before it is given up. Default 3.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "TrackingPluginOptions.MaxRetries must not be negative.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each retry doubles it, with random jitter of up to 100 %. Default 1 second.</summary>
    [TimeSpanRange("00:00:00", ErrorMessage = "TrackingPluginOptions.RetryBaseDelay must not be negative.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts. Default 30 seconds.</summary>
    [TimeSpanRange("00:00:00", ErrorMessage = "TrackingPluginOptions.MaxRetryDelay must not be negative.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events held at most (queued, not yet in a batch being sent). When the sink is down and the queue is full, the
    /// oldest queued event is dropped and counted in <see cref="BatchingTrackingPlugin.DroppedEvents"/>. Default 10,000.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "TrackingPluginOptions.QueueCapacity must be positive.")]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How long disposal waits (wall-clock) for queued events to be delivered before giving them up. Default 5 seconds.</summary>
    [TimeSpanRange("00:00:00", ErrorMessage = "TrackingPluginOptions.ShutdownTimeout must not be negative.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether feature evaluations are tracked too (each one is an event). Default false: exposures only.</summary>
    public bool TrackFeatureUsage { get; set; }
}

/// <summary>The generated validator of <see cref="TrackingPluginOptions"/>' data annotations.</summary>
[OptionsValidator]
internal sealed partial class TrackingPluginOptionsValidator : IValidateOptions<TrackingPluginOptions>;
