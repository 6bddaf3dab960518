using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Flags = GrowthBook.FeatureManagement.Benchmarks.FeatureManagementFlags;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// GrowthBook through Microsoft.FeatureManagement against Microsoft.FeatureManagement 4.7.0 alone, in one run. Two
/// service providers over the same configuration flags (<see cref="FeatureManagementFlags"/>): <c>Fm*</c> is
/// <c>services.AddFeatureManagement()</c>; <c>Gb*</c> and <c>Delegated*</c> add
/// <c>.AddGrowthBook(o =&gt; o.BootstrapPayload = …)</c> with the anchor payload, resolved as an app would
/// (<see cref="IFeatureManager"/>, <see cref="IVariantFeatureManager"/>). On both sides the current user comes from an
/// accessor that hands out the next of 1,024 prebuilt users (<see cref="RotatingUsers"/>). [GlobalSetup] throws unless
/// every method gives the expected answer, so <c>--smoke</c> checks them.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class FeatureManagementBenchmarks
{
    private ServiceProvider _fmServices = null!;
    private ServiceProvider _gbServices = null!;
    private RotatingUsers _fmUsers = null!;
    private RotatingUsers _gbUsers = null!;
    private IFeatureManager _fm = null!;
    private IVariantFeatureManager _fmVariants = null!;
    private IFeatureManager _gb = null!;
    private IVariantFeatureManager _gbVariants = null!;
    private Dictionary<string, bool> _dictionary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = Flags.Build();

        _fmUsers = new RotatingUsers();
        _fmServices = Services(configuration, _fmUsers, growthBook: false);
        _fm = _fmServices.GetRequiredService<IFeatureManager>();
        _fmVariants = _fmServices.GetRequiredService<IVariantFeatureManager>();

        _gbUsers = new RotatingUsers();
        _gbServices = Services(configuration, _gbUsers, growthBook: true);
        _gbServices.GetRequiredService<GrowthBookClient>().InitializeAsync().GetAwaiter().GetResult();
        _gb = _gbServices.GetRequiredService<IFeatureManager>();
        _gbVariants = _gbServices.GetRequiredService<IVariantFeatureManager>();

        _dictionary = new Dictionary<string, bool> { [Flags.Plain] = true, [Flags.Targeting] = true };
        Verify();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gbServices.Dispose();
        _fmServices.Dispose();
    }

    /// <summary>A <c>Dictionary&lt;string, bool&gt;</c> lookup: the floor.</summary>
    [Benchmark]
    public bool DictionaryLookup() => _dictionary[Flags.Plain];

    /// <summary>Microsoft.FeatureManagement: <c>IsEnabledAsync</c> on a flag with no filter.</summary>
    [Benchmark(Baseline = true)]
    public bool FmPlain() => _fm.IsEnabledAsync(Flags.Plain).GetAwaiter().GetResult();

    /// <summary>Microsoft.FeatureManagement: <c>IsEnabledAsync</c> through <c>Microsoft.Targeting</c> (group match).</summary>
    [Benchmark]
    public bool FmTargeting() => _fm.IsEnabledAsync(Flags.Targeting).GetAwaiter().GetResult();

    /// <summary>Microsoft.FeatureManagement: <c>IsEnabledAsync</c> through <c>Microsoft.Percentage</c>.</summary>
    [Benchmark]
    public bool FmPercentage() => _fm.IsEnabledAsync(Flags.Percentage).GetAwaiter().GetResult();

    /// <summary>Microsoft.FeatureManagement: <c>GetVariantAsync</c>, percentile allocation over varying users.</summary>
    [Benchmark]
    public Variant FmVariantPercentile() => _fmVariants.GetVariantAsync(Flags.Variant, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>GrowthBook: <c>IsEnabledAsync</c> on a feature with a default value only (<c>bool-flag</c>).</summary>
    [Benchmark]
    public bool GbPlain() => _gb.IsEnabledAsync(AnchorPayload.BoolFlag).GetAwaiter().GetResult();

    /// <summary>GrowthBook: <c>IsEnabledAsync</c> on a force rule with a condition on attributes (<c>targeted-flag</c>).</summary>
    [Benchmark]
    public bool GbTargeted() => _gb.IsEnabledAsync(AnchorPayload.TargetedFlag).GetAwaiter().GetResult();

    /// <summary>GrowthBook: <c>GetVariantAsync</c> on a 50/50 experiment (<c>exp-flag</c>) over varying users.</summary>
    [Benchmark]
    public Variant GbVariantExperiment() => _gbVariants.GetVariantAsync(AnchorPayload.ExperimentFlag, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The configuration flag of <see cref="FmPlain"/>, through GrowthBook's manager (delegated to Microsoft.FeatureManagement).</summary>
    [Benchmark]
    public bool DelegatedPlain() => _gb.IsEnabledAsync(Flags.Plain).GetAwaiter().GetResult();

    /// <summary>The configuration flag of <see cref="FmPercentage"/>, through GrowthBook's manager.</summary>
    [Benchmark]
    public bool DelegatedPercentage() => _gb.IsEnabledAsync(Flags.Percentage).GetAwaiter().GetResult();

    /// <summary>The configuration flag of <see cref="FmVariantPercentile"/>, through GrowthBook's manager.</summary>
    [Benchmark]
    public Variant DelegatedVariantPercentile() => _gbVariants.GetVariantAsync(Flags.Variant, CancellationToken.None).GetAwaiter().GetResult();

    private static ServiceProvider Services(IConfiguration configuration, RotatingUsers users, bool growthBook)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<ITargetingContextAccessor>(users);
        // What WithTargeting<T>() does, with an instance: the accessor, and the filter that reads it.
        var builder = services.AddFeatureManagement().AddFeatureFilter<TargetingFilter>();
        if (growthBook)
        {
            services.AddSingleton<IGrowthBookUserContextAccessor>(users);
            var payload = AnchorPayload.ReadJson();
            builder.AddGrowthBook(o => o.BootstrapPayload = payload);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>Throws unless every benchmark method answers right, so that wrong answers cannot be measured as fast ones.</summary>
    private void Verify()
    {
        const int Users = AnchorPayload.UserCount;
        Checks.That(DictionaryLookup(), nameof(DictionaryLookup));
        Checks.That(FmPlain() && DelegatedPlain() && GbPlain(), "plain flags on");

        var client = _gbServices.GetRequiredService<GrowthBookClient>();
        int fmPercentageOn = 0, delegatedPercentageOn = 0, fmTreatment = 0, gbVariationOne = 0;
        _fmUsers.Next = 0;
        _gbUsers.Next = 0;
        for (var i = 0; i < Users; i++)
        {
            // One user per pass on both sides: each accessor-reading call below moves its accessor one user on.
            _fmUsers.Next = i;
            Checks.That(FmTargeting(), nameof(FmTargeting) + " on for group US");
            _fmUsers.Next = i;
            var fm = FmVariantPercentile();
            _gbUsers.Next = i;
            var delegated = DelegatedVariantPercentile();
            Checks.That(fm.Name is Flags.Control or Flags.Treatment && delegated.Name == fm.Name && delegated.Configuration?.Value == fm.Configuration?.Value, "delegated variant equals Microsoft.FeatureManagement's for " + RotatingUsers.UserId(i));
            fmTreatment += fm.Name == Flags.Treatment ? 1 : 0;

            _gbUsers.Next = i;
            Checks.That(GbTargeted(), nameof(GbTargeted) + " on for a US adult");
            _gbUsers.Next = i;
            var gb = GbVariantExperiment();
            var expected = client.EvalFeature(AnchorPayload.ExperimentFlag, AnchorPayload.CreateUsers()[i]);
            Checks.That(expected.ExperimentResult is { } result && gb.Name == result.Key && gb.Configuration?.Value == (expected.On ? "True" : "False"), "GrowthBook variant equals the engine's for " + RotatingUsers.UserId(i));
            gbVariationOne += gb.Name == "1" ? 1 : 0;

            fmPercentageOn += FmPercentage() ? 1 : 0;
            delegatedPercentageOn += DelegatedPercentage() ? 1 : 0;
        }

        CheckHalf(fmTreatment, nameof(FmVariantPercentile) + " Treatment");
        CheckHalf(gbVariationOne, nameof(GbVariantExperiment) + " variation 1");
        CheckHalf(fmPercentageOn, nameof(FmPercentage) + " on");
        CheckHalf(delegatedPercentageOn, nameof(DelegatedPercentage) + " on");
    }

    private static void CheckHalf(int count, string what)
        => Checks.That(count is > AnchorPayload.UserCount * 40 / 100 and < AnchorPayload.UserCount * 60 / 100, $"{what}: {count} of {AnchorPayload.UserCount}, expected about half");
}
