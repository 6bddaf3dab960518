using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GrowthBook.FeatureManagement.Tests.Telemetry;

/// <summary>A real <see cref="MeterListener"/> on the GrowthBook meter, recording every measurement with its tags.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeterRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GrowthBookTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            Measurements.Enqueue((instrument.Name, value, map));
        });
        _listener.Start();
    }

    public ConcurrentQueue<(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags)> Measurements { get; } = new();

    /// <summary>The sum recorded by an instrument, over measurements whose tags include every given pair.</summary>
    public long Sum(string instrument, params (string Key, object? Value)[] tags)
        => Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
