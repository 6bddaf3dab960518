using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// GrowthBook features held in memory for your own tests, served to a real <see cref="GrowthBookClient"/> as a real
/// GrowthBook payload: what the client answers is what production evaluation gives for that payload. Describe features
/// with <see cref="Set"/> and <see cref="Feature"/>; every change after a client is connected reaches it as a stream
/// update would (one atomic payload swap, then <see cref="GrowthBookClient.PayloadChanged"/> and the change token).
/// </summary>
/// <remarks>
/// Connect it with <c>services.AddGrowthBookTestData(testData)</c> (or <c>.WithTestData(testData)</c> on the GrowthBook
/// builder), which replaces the app's API key, bootstrap and feature cache as the payload source; with
/// <see cref="CreateClientAsync"/>; or with <see cref="ApplyTo"/> on options you build. Thread-safe: changes from any
/// thread are applied one at a time, each with a newer <c>dateUpdated</c> than the last, so none is lost.
/// </remarks>
/// <example>
/// <code>
/// var testData = new GrowthBookTestData()
///     .Set("new-checkout", true)
///     .Feature("button-color", f => f.DefaultValue("blue").When("country", "US").Serve("green"));
/// </code>
/// </example>
public sealed class GrowthBookTestData : IGrowthBookPayloadSource
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly List<IGrowthBookPayloadSink> _sinks = [];
    private Dictionary<string, byte[]> _features = new(StringComparer.Ordinal);
    private Dictionary<string, int> _forcedVariations = new(StringComparer.Ordinal);
    private byte[]? _payload;           // the payload offered last (null: none built yet)
    private byte[]? _offeredFeatures;   // its "features" object
    private DateTimeOffset _dateUpdated = DateTimeOffset.MinValue;
    private int _batchDepth;
    private bool _applied;

    /// <summary>Creates empty test data (no features) that dates its payloads by the system clock.</summary>
    public GrowthBookTestData()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates empty test data (no features) that dates its payloads (<c>dateUpdated</c>) by <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock of <c>dateUpdated</c>; each payload is dated at least a millisecond after the last whatever it says.</param>
    public GrowthBookTestData(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Sets a feature that has one value for everyone (its default value, no rules), replacing any feature of that key.</summary>
    /// <param name="key">The feature key.</param>
    /// <param name="value">The value: <c>true</c>, <c>"blue"</c>, <c>3</c>, a <see cref="JsonObject"/>, <c>JsonNode.Parse("…")</c>, or null.</param>
    public GrowthBookTestData Set(string key, JsonNode? value) => Feature(key, f => f.DefaultValue(value));

    /// <summary>Sets a feature described by <paramref name="build"/> (default value, prerequisites, rules), replacing any feature of that key.</summary>
    /// <param name="key">The feature key.</param>
    /// <param name="build">Describes the feature.</param>
    /// <exception cref="ArgumentException">A setting is invalid (the test data is left as it was).</exception>
    /// <exception cref="InvalidOperationException">A rule was started with <c>When</c> and never finished; or a connected client refused the payload (see its log).</exception>
    public GrowthBookTestData Feature(string key, Action<FeatureBuilder> build)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(build);
        var feature = new FeatureBuilder(key);
        build(feature);
        var json = feature.Build();
        return Change(() => _features[key] = json);
    }

    /// <summary>Removes a feature: it becomes unknown (GrowthBook's <c>unknownFeature</c>). Nothing happens when there is none.</summary>
    /// <param name="key">The feature key.</param>
    public GrowthBookTestData Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Change(() => _features.Remove(key));
    }

    /// <summary>Removes every feature.</summary>
    public GrowthBookTestData Clear() => Change(_features.Clear);

    /// <summary>
    /// Makes several changes reach the clients as one payload: nothing is sent while <paramref name="changes"/> runs, and
    /// when it returns, one payload with all of them. When it throws, none of its changes is kept.
    /// </summary>
    /// <param name="changes">Calls <see cref="Set"/>, <see cref="Feature"/>, <see cref="Remove"/>… on the test data it is given.</param>
    public GrowthBookTestData Update(Action<GrowthBookTestData> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            var features = new Dictionary<string, byte[]>(_features, StringComparer.Ordinal);
            var forced = new Dictionary<string, int>(_forcedVariations, StringComparer.Ordinal);
            _batchDepth++;
            try
            {
                changes(this);
            }
            catch
            {
                (_features, _forcedVariations) = (features, forced);
                throw;
            }
            finally
            {
                _batchDepth--;
            }

            if (_batchDepth == 0)
            {
                Publish();
            }
        }

        return this;
    }

    /// <summary>
    /// Forces a variation of an experiment for every user, as GrowthBook's forced variations do (the user is in the
    /// experiment, with that variation, without hashing or tracking; a user's own forced variations win). Forced
    /// variations are client settings, read when a client is created: set them before the test data is applied to one.
    /// For a change while the app runs, give the experiment weights that send everyone to one variation instead.
    /// </summary>
    /// <param name="experimentKey">The experiment's key.</param>
    /// <param name="variation">The variation's index (0 for the first).</param>
    /// <exception cref="InvalidOperationException">The test data was already applied to a client's options.</exception>
    public GrowthBookTestData ForceVariation(string experimentKey, int variation)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentKey);
        ArgumentOutOfRangeException.ThrowIfNegative(variation);
        lock (_gate)
        {
            if (_applied)
            {
                throw new InvalidOperationException(
                    "Forced variations are read when a client is created, and this test data was already given to one. Call ForceVariation before the "
                    + "host (or client) is created, or give the experiment weights that send everyone to one variation (a change that applies at once).");
            }

            _forcedVariations[experimentKey] = variation;
        }

        return this;
    }

    /// <summary>
    /// Makes <paramref name="options"/> use this test data: sets <see cref="GrowthBookClientOptions.CustomPayloadSource"/>
    /// (so the client never uses the API, the feature cache or the bootstrap), turns <see cref="GrowthBookClientOptions.RemoteEval"/>
    /// off (the test data's rules are evaluated locally) and adds the forced variations.
    /// </summary>
    /// <param name="options">The options of the client to be created.</param>
    public void ApplyTo(GrowthBookClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            _applied = true;
            options.CustomPayloadSource = this;
            options.RemoteEval = false;
            foreach (var (key, variation) in _forcedVariations)
            {
                options.ForcedVariations[key] = variation;
            }
        }
    }

    /// <summary>Creates a client served by this test data, and initialises it: every feature is there when it returns. Dispose it after the test.</summary>
    /// <param name="configure">Sets other options (tracking callbacks, <see cref="GrowthBookClientOptions.QaMode"/>, …); the payload source is this test data whatever it sets.</param>
    /// <param name="cancellationToken">Cancels the initialisation.</param>
    public async Task<GrowthBookClient> CreateClientAsync(Action<GrowthBookClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new GrowthBookClientOptions();
        configure?.Invoke(options);
        ApplyTo(options);
        var client = new GrowthBookClient(options);
        try
        {
            await client.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The GrowthBook payload (API JSON) the test data serves now, as clients receive it.</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            return Encoding.UTF8.GetString(_payload ?? Build());
        }
    }

    /// <inheritdoc />
    ValueTask IGrowthBookPayloadSource.ConnectAsync(IGrowthBookPayloadSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            var payload = _payload ?? Build();
            _sinks.Add(sink);
            sink.Disconnected.Register(() =>
            {
                lock (_gate)
                {
                    _sinks.Remove(sink);
                }
            });
            if (!sink.Offer(payload) && !sink.Disconnected.IsCancellationRequested)
            {
                throw Refused();
            }
        }

        return ValueTask.CompletedTask;
    }

    private GrowthBookTestData Change(Action change)
    {
        lock (_gate)
        {
            change();
            if (_batchDepth == 0)
            {
                Publish();
            }
        }

        return this;
    }

    // Under the lock: the payload of the current features, offered to every client, unless the features are what was
    // offered last (a change that changes nothing is no update).
    private void Publish()
    {
        var features = Features();
        if (_offeredFeatures is not null && features.AsSpan().SequenceEqual(_offeredFeatures))
        {
            return;
        }

        var payload = Build(features);
        var refused = false;
        foreach (var sink in _sinks.ToList())
        {
            refused |= !sink.Offer(payload) && !sink.Disconnected.IsCancellationRequested;
        }

        if (refused)
        {
            throw Refused();
        }
    }

    private byte[] Build() => Build(Features());

    // The payload, dated strictly after the last one (the clients keep the newest dateUpdated, and a clock may not move
    // between two changes), in GrowthBook's API shape.
    private byte[] Build(byte[] features)
    {
        var now = _time.GetUtcNow().ToUniversalTime();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        _dateUpdated = now > _dateUpdated ? now : _dateUpdated.AddMilliseconds(1);
        var dateUpdated = _dateUpdated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _offeredFeatures = features;
        _payload = PayloadJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", 200);
            writer.WriteRaw("features", features);
            writer.WriteString("dateUpdated", dateUpdated);
            writer.WriteEndObject();
        });
        return _payload;
    }

    private byte[] Features() => PayloadJson.Write(writer =>
    {
        writer.WriteStartObject();
        foreach (var (key, feature) in _features)
        {
            writer.WriteRaw(key, feature);
        }

        writer.WriteEndObject();
    });

    private static InvalidOperationException Refused()
        => new("A GrowthBook client refused the test data's payload; its log says why (event 102 or 103: invalid JSON or a decryption failure).");
}
