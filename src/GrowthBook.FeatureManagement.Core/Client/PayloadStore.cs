using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// The one writer of the payload a client serves. Fetch answers, stream events, cache reads and bootstrap (re)loads
/// all go through <see cref="Apply"/>, 304s through <see cref="Confirm"/>; whatever order they arrive in, a newer
/// payload is never replaced by an older one (docs/client.md, "Which payload wins"). Readers take
/// <see cref="Current"/> without locking. Each real change queues one notification, in order, while the lock is held;
/// the notifications themselves run elsewhere (<see cref="ChangeNotifier"/>), so a slow listener holds up nothing here.
/// </summary>
internal sealed class PayloadStore(string? decryptionKey, ILogger logger, Action<PayloadState, PayloadState> changed)
{
    private readonly object _gate = new();
    private volatile PayloadState _state = PayloadState.Initial;
    private long _offers;

    public PayloadState Current => _state;

    /// <summary>How many payloads and 304s have been judged (whatever the outcome).</summary>
    public long Offers => Interlocked.Read(ref _offers);

    /// <summary>
    /// Parses <paramref name="json"/> against the current payload and, unless a newer payload is served, makes it
    /// the current one. Never throws for bad data: <see cref="ApplyOutcome.Rejected"/> with the error.
    /// </summary>
    public (ApplyOutcome Outcome, Exception? Error) Apply(byte[] json, PayloadSource source, string? etag, DateTimeOffset fetchedAt)
    {
        try
        {
            return Judge(json, source, etag, fetchedAt);
        }
        finally
        {
            Interlocked.Increment(ref _offers);
        }
    }

    /// <summary>
    /// A 304 for the payload <paramref name="confirmed"/> (the one served when the request was sent): renews its
    /// freshness if it is still the one served. False when another payload replaced it meanwhile (nothing changes).
    /// </summary>
    public bool Confirm(GrowthBookPayload confirmed, string? etag, DateTimeOffset at)
    {
        try
        {
            return ConfirmCore(confirmed, etag, at);
        }
        finally
        {
            Interlocked.Increment(ref _offers);
        }
    }

    private (ApplyOutcome Outcome, Exception? Error) Judge(byte[] json, PayloadSource source, string? etag, DateTimeOffset fetchedAt)
    {
        var hash = SHA256.HashData(json);
        var seen = _state;
        if (seen.Source != PayloadSource.None && seen.ContentHash is { } seenHash && hash.AsSpan().SequenceEqual(seenHash))
        {
            return (Renew(seen.Payload, source, etag, fetchedAt, hash, "same content"), null);
        }

        GrowthBookPayload payload;
        try
        {
            payload = Compile(json, seen.Payload);
        }
        catch (GrowthBookDecryptionException e)
        {
            ClientLog.DecryptionFailed(logger, e.Reason, _state.Source);
            return (ApplyOutcome.Rejected, e);
        }
        catch (JsonException e)
        {
            var error = new InvalidDataException("the payload is not valid JSON: " + e.Message, e);
            ClientLog.FetchFailed(logger, error.Message, _state.Source);
            return (ApplyOutcome.Rejected, error);
        }

        PayloadState previous, next;
        lock (_gate)
        {
            previous = _state;
            switch (Order(payload, source, previous))
            {
                case < 0:
                    ClientLog.PayloadOutdated(logger, source, payload.DateUpdated, previous.Source, previous.Payload.DateUpdated);
                    return (ApplyOutcome.Outdated, null);
                case 0:
                    return (Renew(previous.Payload, source, etag, fetchedAt, hash, "same dateUpdated"), null);
            }

            next = new PayloadState(payload, source, etag, fetchedAt, hash);
            _state = next;
            changed(previous, next); // queued in order; run after the lock is released
        }

        ClientLog.PayloadLoaded(logger, source, payload.DateUpdated, payload.FeatureKeys.Count);
        return (ApplyOutcome.Applied, null);
    }

    private bool ConfirmCore(GrowthBookPayload confirmed, string? etag, DateTimeOffset at)
    {
        lock (_gate)
        {
            var current = _state;
            if (!ReferenceEquals(current.Payload, confirmed) || current.Source == PayloadSource.None)
            {
                return false;
            }

            _state = current with { Source = Upgrade(current.Source, PayloadSource.Network), ETag = etag ?? current.ETag, FetchedAt = Later(current.FetchedAt, at) };
        }

        ClientLog.PayloadUnchanged(logger, "304 Not Modified");
        return true;
    }

    // The one place a payload is compiled; it is given the payload it will replace (an incremental compile can reuse it).
    // Against the payload served now: features (and saved groups) whose JSON did not change keep their compiled form, so
    // an update costs what it changes (docs/engine.md, "Updates").
    private GrowthBookPayload Compile(byte[] json, GrowthBookPayload current)
        => GrowthBookPayload.Parse(json, new GrowthBookPayloadOptions { DecryptionKey = decryptionKey, Logger = logger, Previous = current });

    // The same payload again: renew freshness (and say where it was last confirmed), never a change notification.
    private ApplyOutcome Renew(GrowthBookPayload payload, PayloadSource source, string? etag, DateTimeOffset fetchedAt, byte[] hash, string reason)
    {
        lock (_gate)
        {
            var current = _state;
            if (!ReferenceEquals(current.Payload, payload))
            {
                // Replaced since it was compared: judge the offer against what is served now.
                return Order(payload, source, current) < 0 ? ApplyOutcome.Outdated : ApplyOutcome.Unchanged;
            }

            _state = current with
            {
                Source = Upgrade(current.Source, source),
                ETag = source is PayloadSource.Network or PayloadSource.Cache ? etag ?? current.ETag : current.ETag,
                FetchedAt = source == PayloadSource.Bootstrap ? current.FetchedAt : Later(current.FetchedAt, fetchedAt),
                ContentHash = hash,
            };
        }

        ClientLog.PayloadUnchanged(logger, reason);
        return ApplyOutcome.Unchanged;
    }

    /// <summary>
    /// How an offered payload compares with the one served: negative (older: ignored), zero (the same: renewed),
    /// positive (newer: applied). By <c>dateUpdated</c> when both have one. Otherwise the later arrival wins, except that
    /// a bootstrap never replaces the API's payload; a bootstrap over a bootstrap is the file's latest content and wins.
    /// </summary>
    internal static int Order(GrowthBookPayload offered, PayloadSource source, PayloadState current)
    {
        if (current.Source == PayloadSource.None || (source == PayloadSource.Bootstrap && current.Source == PayloadSource.Bootstrap))
        {
            return 1;
        }

        if (Compare(offered.DateUpdated, current.Payload.DateUpdated) is { } order)
        {
            return order;
        }

        return source == PayloadSource.Bootstrap && current.FromApi ? -1 : 1;
    }

    // dateUpdated values as instants; null when either is missing or not a date (and the two are not the same text).
    private static int? Compare(string? offered, string? current)
    {
        if (offered is null || current is null)
        {
            return null;
        }

        if (string.Equals(offered, current, StringComparison.Ordinal))
        {
            return 0;
        }

        const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        return DateTimeOffset.TryParse(offered, CultureInfo.InvariantCulture, Utc, out var a) && DateTimeOffset.TryParse(current, CultureInfo.InvariantCulture, Utc, out var b)
            ? Math.Sign(a.CompareTo(b))
            : null;
    }

    // The source a renewed payload is reported with: the API's word beats the cache's, which beats the bootstrap's.
    private static PayloadSource Upgrade(PayloadSource current, PayloadSource confirmedBy)
        => Rank(confirmedBy) >= Rank(current) ? confirmedBy : current;

    private static int Rank(PayloadSource source) => source switch
    {
        PayloadSource.Network or PayloadSource.Stream or PayloadSource.Custom => 3,
        PayloadSource.Cache => 2,
        PayloadSource.Bootstrap => 1,
        _ => 0,
    };

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
