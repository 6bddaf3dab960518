using System.Collections.Concurrent;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// Protected cookies this app has already authenticated, by their exact text, so that a returning visitor's cookie is
/// not unprotected again on every request (Data Protection's unprotect costs more than all of a request's flag checks).
/// Bounded: two generations of at most <c>capacity</c> entries each; when the current one fills, it becomes the
/// previous one and the oldest generation is dropped. An entry expires <see cref="TimeToLive"/> after it was verified,
/// which bounds how long a cookie protected with a since-revoked key is still accepted. Only cookies that passed
/// unprotect are stored, so a forged cookie never hits.
/// </summary>
internal sealed class VerifiedCookies(int capacity, TimeProvider time)
{
    /// <summary>How long a verified cookie is remembered.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);

    private readonly long _ttlTicks = (long)(TimeToLive.TotalSeconds * time.TimestampFrequency);
    private readonly object _rotation = new();
    private volatile Generation _current = new();
    private volatile Generation _previous = new();

    /// <summary>The id a cookie was verified to hold, if it was verified within the last <see cref="TimeToLive"/>.</summary>
    public bool TryGet(string cookie, out string id)
    {
        var now = time.GetTimestamp();
        if ((_current.TryGetValue(cookie, out var entry) || _previous.TryGetValue(cookie, out entry)) && now < entry.ExpiresAt)
        {
            id = entry.Id;
            return true;
        }

        id = "";
        return false;
    }

    /// <summary>Remembers that <paramref name="cookie"/> was authenticated and holds <paramref name="id"/>.</summary>
    public void Add(string cookie, string id)
    {
        var generation = _current;
        if (generation.TryAdd(cookie, new Entry(id, time.GetTimestamp() + _ttlTicks)) && Interlocked.Increment(ref generation.Added) >= capacity)
        {
            lock (_rotation)
            {
                if (_current == generation)
                {
                    _previous = generation;
                    _current = new Generation();
                }
            }
        }
    }

    private readonly record struct Entry(string Id, long ExpiresAt);

    // ConcurrentDictionary.Count takes every lock: the generation counts its own additions.
    private sealed class Generation() : ConcurrentDictionary<string, Entry>(StringComparer.Ordinal)
    {
        public int Added;
    }
}
