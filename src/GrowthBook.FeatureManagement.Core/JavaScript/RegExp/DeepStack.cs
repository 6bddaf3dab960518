namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// Runs a recursive step on the current thread and, if it nests deeper than the thread's stack allows (a pattern
/// nested thousands of groups deep, which JavaScript accepts), once more on a thread with a large stack. The answer
/// is the same either way; only such patterns pay for the extra thread.
/// </summary>
internal static class DeepStack
{
    private const int LargeStackBytes = 256 * 1024 * 1024;

    public static T Run<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (InsufficientExecutionStackException)
        {
            T result = default!;
            Exception? failure = null;
            var thread = new Thread(
                () =>
                {
                    try
                    {
                        result = step();
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }
                },
                LargeStackBytes);
            thread.Start();
            thread.Join();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return result;
        }
    }
}
