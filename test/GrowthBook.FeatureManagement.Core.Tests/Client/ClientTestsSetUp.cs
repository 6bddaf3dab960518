using System.Collections.Concurrent;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// Watches the whole Client test namespace: task exceptions nobody observed (a background loop that faulted and
/// was forgotten), and secrets (client keys, decryption keys) in any log line or exception of any test.
/// </summary>
[SetUpFixture]
public sealed class ClientTestsSetUp
{
    private static readonly ConcurrentQueue<Exception> Unobserved = new();
    private static readonly ConcurrentBag<string> AllSecrets = [];
    private static readonly ConcurrentQueue<string> AllText = new();

    /// <summary>Remembers a secret that must never appear in any log line or exception message of any test.</summary>
    internal static void RegisterSecret(string secret) => AllSecrets.Add(secret);

    /// <summary>Keeps a log line or exception text for the final check across all tests.</summary>
    internal static void RecordText(string text) => AllText.Enqueue(text);

    [OneTimeSetUp]
    public void Subscribe() => TaskScheduler.UnobservedTaskException += OnUnobserved;

    [OneTimeTearDown]
    public void CheckAndUnsubscribe()
    {
        try
        {
            var unobserved = CollectUnobserved();
            Assert.That(unobserved, Is.Empty, "task exceptions nobody observed:\n" + string.Join("\n", unobserved));
            var leaks = AllText.SelectMany(text => AllSecrets.Where(secret => text.Contains(secret, StringComparison.Ordinal)).Select(_ => text)).ToList();
            Assert.That(leaks, Is.Empty, "a client key or decryption key appeared in a log line or exception message");
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    /// <summary>Forces finalization of dead tasks and returns (and forgets) the exceptions nobody observed.</summary>
    internal static IReadOnlyList<Exception> CollectUnobserved()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var list = new List<Exception>();
        while (Unobserved.TryDequeue(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Unobserved.Enqueue(e.Exception);
}
