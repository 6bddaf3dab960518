// The app on the packed packages: prints the versions it loaded, then the answers (the same code as in-process).
var versions = string.Join(" ", new[] { typeof(GrowthBook.FeatureManagement.GrowthBookClient), typeof(GrowthBook.FeatureManagement.GrowthBookFeatureManager), typeof(GrowthBook.FeatureManagement.AspNetCore.HttpContextUserContextAccessor) }
    .Select(t => t.Assembly.GetName().Name + "=" + t.Assembly.GetName().Version));
Console.WriteLine(versions);
Console.Write(await GrowthBook.FeatureManagement.Packaging.Tests.CompatAnswers.RunAsync(File.ReadAllText(args[0])));
