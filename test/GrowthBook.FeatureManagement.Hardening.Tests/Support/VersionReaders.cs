using System.Globalization;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// Threads that evaluate every versioned feature in one scope, over and over, and check each scope's answers came
/// from one whole payload (same version everywhere, values consistent with the user), and versions never go back.
/// </summary>
internal sealed class VersionReaders
{
    private readonly Func<UserContext, GrowthBookScope> _scope;
    private readonly int[,] _variations;
    private readonly List<Thread> _threads = [];
    private readonly CancellationTokenSource _stop = new();
    private long _evaluations;
    private long _errors;
    private long _torn;
    private long _backwards;
    private string? _firstProblem;

    public VersionReaders(Func<UserContext, GrowthBookScope> scope, int users)
    {
        _scope = scope;
        // Each user's experiment variation, learnt once: the hashing inputs are the same in every version.
        var reference = GrowthBookPayload.Parse(VersionedPayload.Json(0));
        _variations = new int[users, VersionedPayload.Features];
        for (var i = 0; i < users; i++)
        {
            using var s = new GrowthBookScope(reference, VersionedPayload.User(i));
            for (var k = 0; k < VersionedPayload.Features; k++)
            {
                _variations[i, k] = VersionedPayload.InGroupA(i) ? 0 : (s.GetFeatureValue("f" + k.ToString(CultureInfo.InvariantCulture), -1) % 10) - 2;
            }
        }

        Users = [.. Enumerable.Range(0, users).Select(VersionedPayload.User)];
    }

    public UserContext[] Users { get; }

    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Evaluations that threw, and scopes whose answers were torn or went back in version.</summary>
    public long Failures => Interlocked.Read(ref _errors) + Interlocked.Read(ref _torn) + Interlocked.Read(ref _backwards);

    public string Describe() => $"{Evaluations:N0} evaluations, {_errors} exceptions, {_torn} torn scopes, {_backwards} version regressions{(_firstProblem is null ? "" : "; first: " + _firstProblem)}";

    public void Start(int threads)
    {
        for (var t = 0; t < threads; t++)
        {
            var seed = t;
            var thread = new Thread(() => Run(seed)) { IsBackground = true, Name = "reader-" + seed.ToString(CultureInfo.InvariantCulture) };
            _threads.Add(thread);
            thread.Start();
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        foreach (var thread in _threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(10)))
            {
                Problem(ref _errors, "a reader thread did not stop");
            }
        }
    }

    private void Run(int seed)
    {
        var lastVersion = -1;
        var i = seed;
        var round = 0;
        while (!_stop.IsCancellationRequested)
        {
            // A pause now and then: the suite runs next to other test assemblies in CI, and their timing-sensitive
            // tests must not starve while readers spin (a few hundred thousand evaluations a second are plenty).
            if (++round % 256 == 0)
            {
                Thread.Sleep(1);
            }

            i = (i + 7) % Users.Length;
            try
            {
                using var scope = _scope(Users[i]);
                var version = -2;
                for (var k = 0; k < VersionedPayload.Features; k++)
                {
                    var value = scope.GetFeatureValue("f" + k.ToString(CultureInfo.InvariantCulture), -1);
                    var v = VersionedPayload.VersionOf(value);
                    if ((version != -2 && v != version) || !VersionedPayload.IsConsistent(value, k, VersionedPayload.InGroupA(i), _variations[i, k]))
                    {
                        Problem(ref _torn, $"scope answered {value} for f{k} (version {v}, others {version})");
                    }

                    version = v;
                }

                Interlocked.Add(ref _evaluations, VersionedPayload.Features);
                if (version < lastVersion)
                {
                    Problem(ref _backwards, $"version {version} after {lastVersion}");
                }

                lastVersion = Math.Max(lastVersion, version);
            }
            catch (Exception e)
            {
                CapturedOutput.Seen(e);
                Problem(ref _errors, e.GetType().Name + ": " + e.Message);
            }
        }
    }

    private void Problem(ref long counter, string what)
    {
        Interlocked.Increment(ref counter);
        Interlocked.CompareExchange(ref _firstProblem, what, null);
    }
}
