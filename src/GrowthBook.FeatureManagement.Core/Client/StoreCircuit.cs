using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// A circuit breaker (Polly's) around one store the client calls on behalf of requests — the sticky-bucket store, the
/// feature cache. Every call is bounded by a timeout; once the store is seen failing (half the calls of the last second
/// failed or timed out, at least two of them), calls stop reaching it for the break duration and fail at once with
/// <see cref="BrokenCircuitException"/>, so callers take their documented fallback without waiting. After the break,
/// one call goes through as a probe (half-open): its success closes the circuit, its failure opens it again. The first
/// opening and each closing are logged once, with the (redacted) exception.
/// </summary>
internal sealed class StoreCircuit
{
    /// <summary>The window failures are counted over.</summary>
    internal static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _store;
    private readonly string _fallback;
    private int _open;
    private int _recoveries;

    /// <param name="store">What is protected, as logged (for example "sticky-bucket store RedisStickyBucketService").</param>
    /// <param name="fallback">What callers do meanwhile, as logged.</param>
    /// <param name="breakDuration">How long calls stay away from a failing store.</param>
    /// <param name="time">The clock of the break duration and the sampling window.</param>
    /// <param name="logger">Where openings and closings are logged.</param>
    public StoreCircuit(string store, string fallback, TimeSpan breakDuration, TimeProvider time, ILogger logger)
    {
        _store = store;
        _fallback = fallback;
        _time = time;
        _logger = logger;
        BreakDuration = breakDuration;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = SamplingDuration,
                BreakDuration = breakDuration,
                // The caller giving up (its request aborted) says nothing about the store.
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } e && e is not OperationCanceledException),
                OnOpened = args =>
                {
                    if (Interlocked.Exchange(ref _open, 1) == 0)
                    {
                        ClientLog.StoreUnavailable(_logger, _store, args.BreakDuration, _fallback, Security.RedactedException.Of(args.Outcome.Exception ?? new TimeoutException()));
                    }
                    else
                    {
                        ClientLog.StoreStillUnavailable(_logger, _store, args.BreakDuration);
                    }

                    return default;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref _open, 0) == 1)
                    {
                        Interlocked.Increment(ref _recoveries);
                        ClientLog.StoreRecovered(_logger, _store);
                    }

                    return default;
                },
            })
            .Build();
    }

    public TimeSpan BreakDuration { get; }

    /// <summary>Whether calls are kept away from the store now (open, or half-open with its probe under way).</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>How many times the circuit closed again after opening: a caller that remembers a failure can retry once this moves.</summary>
    public int Recoveries => Volatile.Read(ref _recoveries);

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker, bounded by <paramref name="timeout"/> (a store that ignores
    /// its cancellation token is abandoned, its late failure observed). Never throws: the outcome holds the result or
    /// the failure (<see cref="BrokenCircuitException"/> when the circuit kept the call away).
    /// </summary>
    public async ValueTask<Outcome<T>> ExecuteAsync<T, TState>(Func<TState, CancellationToken, ValueTask<T>> operation, TState state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await _pipeline.ExecuteOutcomeAsync(
                static async (context, call) =>
                {
                    try
                    {
                        return Outcome.FromResult(await call.Circuit.BoundedAsync(call.Operation, call.State, call.Timeout, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<T>(e);
                    }
                },
                context,
                (Circuit: this, Operation: operation, State: state, Timeout: timeout)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<T> BoundedAsync<T, TState>(Func<TState, CancellationToken, ValueTask<T>> operation, TState state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = operation(state, cancel.Token);
        if (pending.IsCompleted)
        {
            return await pending.ConfigureAwait(false);
        }

        var task = pending.AsTask();
        try
        {
            return await task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            Abandon(task);
            throw new TimeoutException($"the {_store} did not answer within {timeout}");
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            Abandon(task);
            throw;
        }
    }

    // A call given up on may still fail later: observe it, so it is not reported as an unobserved exception.
    private static void Abandon(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
