using System.Globalization;
using GrowthBook.FeatureManagement.Evaluation;

namespace GrowthBook.FeatureManagement;

// The payload's features as a read model, for packages that list them (the Microsoft.FeatureManagement adapter's
// definitions and variants) without reaching into the compiled form.
public sealed partial class GrowthBookPayload
{
    /// <summary>Whether the payload defines the feature (exact, case-sensitive key). A dictionary lookup: cheap enough for every evaluation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool ContainsFeature(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _index.ContainsKey(key);
    }

    /// <summary>The feature's read model (its possible values), or null when the payload does not define it. Built on each call.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public GrowthBookFeature? GetFeature(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryGetFeature(key, out var feature) ? ReadModel(feature) : null;
    }

    private static GrowthBookFeature ReadModel(FeatureDefinition feature)
    {
        var values = new List<GrowthBookFeatureValue> { new(feature.DefaultValue.Element, FeatureSource.DefaultValue, "", null) };
        foreach (var rule in feature.Rules)
        {
            if (rule.Force is { } force)
            {
                values.Add(new(force.Element, FeatureSource.Force, rule.Id ?? "", null));
            }

            if (rule.Experiment is { } experiment)
            {
                for (var i = 0; i < experiment.Variations.Length; i++)
                {
                    // The key ExperimentResult reports: the variation's meta key, else its index.
                    var key = experiment.Meta is { } meta && i < meta.Length && meta[i].Key is { } k ? k : i.ToString(CultureInfo.InvariantCulture);
                    values.Add(new(experiment.Variations[i].Element, FeatureSource.Experiment, rule.Id ?? "", key));
                }
            }
        }

        return new GrowthBookFeature(feature.Key, values);
    }
}
