// The JavaScript emulation is the engine's vocabulary: conditions, JSON values and URL rules all speak it.
global using GrowthBook.FeatureManagement.JavaScript;
global using GrowthBook.FeatureManagement.JavaScript.RegExp;
