namespace GrowthBook.FeatureManagement.Testing;

/// <summary>Argument checks shared by the builders.</summary>
internal static class Check
{
    /// <summary>A share of users (coverage, weight): a number from 0 to 1.</summary>
    public static void Share(double value, string parameterName)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A share of users is a number from 0 to 1.");
        }
    }
}
