using System.Diagnostics;
using GrowthBook.FeatureManagement.JavaScript.RegExp;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.JavaScript.RegExp;

/// <summary>
/// How <see cref="JsRegex"/> is built and run: cheap and shared at payload load, one engine chosen from the pattern
/// alone, answers that depend only on the pattern and the input. Node's answers for patterns and inputs are checked by
/// <see cref="RegexCorpusTests"/>.
/// </summary>
[TestFixture]
public sealed class JsRegexTests
{
    [Test]
    public void CreatingOneParsesOnly_TheEngineIsBuiltOnTheFirstTest_AndInstancesAreShared()
    {
        var pattern = "^shared-" + Guid.NewGuid().ToString("N") + "$";
        var first = JsRegex.TryCreate(pattern, ignoreCase: false)!;
        var second = JsRegex.TryCreate(pattern, ignoreCase: false)!;
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first), "one instance per (pattern, flag)");
            Assert.That(JsRegex.TryCreate(pattern, ignoreCase: true), Is.Not.SameAs(first), "the i flag is another regex");
            Assert.That(first.IsBuilt, Is.False, "no engine before the first test");
        });

        Assert.That(first.Test("nope"), Is.False);
        Assert.That(first.IsBuilt, Is.True);
    }

    [TestCase("(a+)+$")]
    [TestCase("^(a|aa)*$")]
    [TestCase("(x+x+)+y")]
    [TestCase("\\b(a+)+\\b!")]
    [TestCase("(?=(a+)+b)")]
    [TestCase("(?<!(a+)+c)d")]
    public void HostilePatternsWithoutBackReferences_AreExactAndCheap(string pattern)
    {
        // Linear-time matching (.NET's NonBacktracking, or the memoized own matcher): no budget, no timeout.
        var regex = JsRegex.TryCreate(pattern, ignoreCase: false)!;
        var input = new string(pattern.Contains('x') ? 'x' : 'a', 20_000) + "!";
        var watch = Stopwatch.StartNew();
        var answers = Enumerable.Range(0, 3).Select(_ => regex.Test(input)).Distinct().ToList();
        watch.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(regex.HasBudget, Is.False);
            Assert.That(answers, Has.Count.EqualTo(1), "the same answer every time");
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "linear in the input, even on a busy machine");
        });
    }

    [Test]
    public void APatternWithBackReferences_HasABudget_AndItsAnswerDependsOnPatternAndInputOnly()
    {
        // Exponential for any backtracking matcher: ((a|a)*)\1 tries every way to split the a's before failing on "c".
        var regex = JsRegex.TryCreate("^((a|a)*)\\1c$", ignoreCase: false)!;
        var hostile = new string('a', 64) + "b";
        Assert.That(regex.HasBudget, Is.True);
        Assert.That(regex.BudgetWarning, Does.Contain("step budget"));

        var watch = Stopwatch.StartNew();
        var answers = Enumerable.Range(0, 3).Select(_ => regex.Test(hostile)).ToList();
        watch.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.All.False, "past the budget: no match, every time");
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the budget bounds the work");
            Assert.That(regex.Test("aaaac"), Is.True, "within the budget the answer is JavaScript's");
        });
    }

    [Test]
    public void ThreadsSharingOneRegex_GetTheSameAnswers()
    {
        var regex = JsRegex.TryCreate("(\\w)\\1|(?<=a)b", ignoreCase: true)!;
        var inputs = new[] { "xX", "ab", "ba", "k\u212A", "\u00DF\u1E9E", "zz" };
        var expected = inputs.Select(regex.Test).ToArray();
        var results = new bool[8][];
        Parallel.For(0, results.Length, t => results[t] = Enumerable.Range(0, 500).SelectMany(_ => inputs.Select(regex.Test)).Take(inputs.Length).ToArray());
        Assert.That(results, Is.All.EqualTo(expected));
    }

    [Test]
    public void PatternsParsedOnManyThreadsAtOnce_MatchAsParsedAlone()
    {
        // Parses share the class escapes' sets; engines are built by whichever thread tests first.
        string Pattern(int i) => $"^[\\d\\s]{{{i % 7}}}\\w+|\\S{{{i % 5},}}x{i}|.\\D";
        var inputs = new[] { "12 ab", "\u00A0\u00A0zz", "x1x1", "\n\n", "abc" };
        var parallel = new bool[400][];
        Parallel.For(0, parallel.Length, i =>
        {
            var regex = JsRegex.TryCreate(Pattern(i), ignoreCase: i % 2 == 0)!;
            parallel[i] = Array.ConvertAll(inputs, regex.Test);
        });

        for (var i = 0; i < parallel.Length; i++)
        {
            // The same pattern in a group: another cache entry, parsed and built on this thread alone.
            var alone = Array.ConvertAll(inputs, JsRegex.TryCreate("(?:" + Pattern(i) + ")", ignoreCase: i % 2 == 0)!.Test);
            Assert.That(parallel[i], Is.EqualTo(alone), Pattern(i));
        }
    }

    [Test]
    public void DeeplyNestedPatterns_AreParsedOnALargerStack()
    {
        // V8 accepts groups nested 10,000 deep; parsing them recurses past a thread pool thread's stack.
        var nested = new string('(', 10_000) + "a" + new string(')', 10_000);
        var regex = JsRegex.TryCreate(nested, ignoreCase: false);
        Assert.That(regex, Is.Not.Null);
        Assert.That(regex!.Test("xa"), Is.True);
    }

    [Test]
    public void TooManyCapturingGroups_AreRejectedAsV8RejectsThem()
    {
        Assert.That(JsRegex.TryCreate(string.Concat(Enumerable.Repeat("()", RegexParser.MaxCaptures)), ignoreCase: false), Is.Null);
        Assert.That(JsRegex.TryCreate(string.Concat(Enumerable.Repeat("()", RegexParser.MaxCaptures - 1)), ignoreCase: false), Is.Not.Null);
    }
}
