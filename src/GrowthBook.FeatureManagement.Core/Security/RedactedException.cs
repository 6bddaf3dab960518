namespace GrowthBook.FeatureManagement.Security;

/// <summary>
/// An exception as it may be logged: the original's type, stack trace and inner exceptions, with its message withheld
/// or scrubbed. A store's message can quote the keys it was reading (they hold user ids); an HTTP error's can hold a
/// URL with the client key.
/// </summary>
internal sealed class RedactedException : Exception
{
    private const string Withheld = "message withheld: it may quote keys or values that identify users";

    private readonly string? _stackTrace;

    private RedactedException(Exception original, Func<string, string>? scrub)
        : base(
            original.GetType().FullName + ": " + (scrub is null ? Withheld : scrub(original.Message)),
            original.InnerException is { } inner ? new RedactedException(inner, scrub) : null)
    {
        OriginalType = original.GetType();
        _stackTrace = original.StackTrace;
        HResult = original.HResult;
    }

    /// <summary>The type of the exception this one stands for.</summary>
    public Type OriginalType { get; }

    /// <inheritdoc />
    public override string? StackTrace => _stackTrace;

    /// <summary>The exception with its message (and its inner exceptions' messages) withheld.</summary>
    public static RedactedException Of(Exception original) => original as RedactedException ?? new RedactedException(original, scrub: null);

    /// <summary>The exception with <paramref name="scrub"/> applied to its message and its inner exceptions' messages.</summary>
    public static RedactedException Of(Exception original, Func<string, string> scrub) => original as RedactedException ?? new RedactedException(original, scrub);
}
