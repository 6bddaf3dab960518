namespace GrowthBook.FeatureManagement;

/// <summary>Thrown by a plugin's send to say a batch was not delivered, and whether trying again can help.</summary>
public sealed class TrackingDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong (no keys, no event contents).</param>
    /// <param name="isTransient">True when a retry may succeed (5xx, 408, 429, timeouts); false gives the batch up at once.</param>
    public TrackingDeliveryException(string message, bool isTransient)
        : base(message)
    {
        IsTransient = isTransient;
    }

    /// <summary>Creates a transient delivery failure.</summary>
    public TrackingDeliveryException()
        : this("the batch was not delivered", isTransient: true)
    {
    }

    /// <summary>Creates a transient delivery failure with a message.</summary>
    public TrackingDeliveryException(string message)
        : this(message, isTransient: true)
    {
    }

    /// <summary>Creates a transient delivery failure with a message and a cause.</summary>
    public TrackingDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
        IsTransient = true;
    }

    /// <summary>Whether a retry may succeed.</summary>
    public bool IsTransient { get; }
}
