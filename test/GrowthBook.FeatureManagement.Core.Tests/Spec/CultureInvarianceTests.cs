using System.Globalization;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>
/// Answers must not depend on the machine's culture: the whole spec suite again under cultures that format
/// numbers, case letters and compare strings differently from the invariant culture.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CultureInvarianceTests
{
    [TestCase("tr-TR")] // dotted/dotless i: case-insensitive operators and regexes
    [TestCase("de-DE")] // comma decimal separator
    [TestCase("ar-SA")] // Arabic digits and right-to-left marks in formatting
    [TestCase("fa-IR")] // Persian digits, different minus sign
    public void SpecSuitePassesUnderCulture(string cultureName)
    {
        var culture = CultureInfo.GetCultureInfo(cultureName);
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var failures = new List<string>();
        var count = 0;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            var tests = new SpecTests();
            foreach (var group in SpecCases.Groups)
            {
                var method = typeof(SpecTests).GetMethods().Single(m => string.Equals(m.Name, char.ToUpperInvariant(group[0]) + group[1..], StringComparison.Ordinal));
                foreach (var data in SpecCases.For(group))
                {
                    count++;
                    try
                    {
                        var outcome = method.Invoke(tests, [data.Arguments[0]]);
                        if (outcome is Task task)
                        {
                            task.GetAwaiter().GetResult();
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{data.TestName}: {(e.InnerException ?? e).Message.Split('\n')[0]}");
                    }
                }
            }
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.GreaterThanOrEqualTo(517), "every spec case ran");
            Assert.That(failures, Is.Empty, $"cases that fail under {cultureName}");
        });
    }
}
