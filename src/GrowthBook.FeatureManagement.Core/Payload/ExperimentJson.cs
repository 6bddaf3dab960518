using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>Maps between GrowthBook's experiment JSON and <see cref="Experiment"/>.</summary>
internal static class ExperimentJson
{
    /// <summary>The public experiment an experiment object stands for.</summary>
    /// <param name="json">The experiment object.</param>
    /// <param name="variations">Its variations as compiled values, whose JSON they already know how to give.</param>
    /// <exception cref="PayloadFormatException">A member has the wrong type.</exception>
    public static Experiment ToExperiment(JsObject json, FeatureValue[]? variations = null)
    {
        var key = json["key"];
        if (key.Type != JsType.String)
        {
            throw JsRead.Wrong("key", "a string");
        }

        var rawVariations = json["variations"];
        if (rawVariations.Type != JsType.Array)
        {
            throw JsRead.Wrong("variations", "an array");
        }

        var weights = JsRead.TruthyArray(json, "weights");
        var active = json["active"];
        var condition = json["condition"];
        var ns = json["namespace"];
        var cb = json["contextualBandit"];
        return new Experiment
        {
            Key = key.StringValue,
            Variations = Array.ConvertAll(variations ?? Array.ConvertAll(rawVariations.ArrayValue, FeatureValue.FromJs), v => v.Element),
            Weights = weights is null ? null : JsRead.Numbers(weights, "weights"),
            Active = active.Type == JsType.Boolean ? active.BooleanValue : null,
            Status = JsRead.TruthyString(json, "status"),
            Coverage = JsRead.Number(json, "coverage"),
            Condition = condition.IsTruthy ? JsJson.ToElement(condition) : null,
            ParentConditions = ReadParents(json),
            Namespace = ns.IsTruthy ? ReadNamespace(ns) : null,
            Force = json.TryGetValue("force", out var force) && !force.IsNull ? JsRead.Int(json, "force") : null,
            HashAttribute = JsRead.TruthyString(json, "hashAttribute"),
            FallbackAttribute = JsRead.TruthyString(json, "fallbackAttribute"),
            HashVersion = JsRead.TruthyInt(json, "hashVersion"),
            DisableStickyBucketing = json["disableStickyBucketing"].IsTruthy ? true : null,
            BucketVersion = JsRead.Int(json, "bucketVersion"),
            MinBucketVersion = JsRead.Int(json, "minBucketVersion"),
            Meta = ReadMeta(json),
            Ranges = JsRead.TruthyArray(json, "ranges") is { } ranges ? JsRead.Ranges(ranges, "ranges") : null,
            Name = JsRead.TruthyString(json, "name"),
            Phase = JsRead.TruthyString(json, "phase"),
            Seed = JsRead.TruthyString(json, "seed"),
            Filters = ReadFilters(json),
            ContextualBandit = cb.Type == JsType.Object ? ReadBandit(cb.ObjectValue) : null,
            Source = json,
        };
    }

    public static Namespace ReadNamespace(in JsValue ns)
    {
        if (ns.Type != JsType.Array || ns.ArrayValue.Length < 3 || ns.ArrayValue[0].Type != JsType.String
            || ns.ArrayValue[1].Type != JsType.Number || ns.ArrayValue[2].Type != JsType.Number)
        {
            throw JsRead.Wrong("namespace", "an [id, start, end] triple");
        }

        return new Namespace(ns.ArrayValue[0].StringValue, ns.ArrayValue[1].NumberValue, ns.ArrayValue[2].NumberValue);
    }

    public static VariationMeta[]? ReadMeta(JsObject json)
    {
        var meta = JsRead.TruthyArray(json, "meta");
        return meta is null ? null : ReadMeta(meta);
    }

    public static VariationMeta[] ReadMeta(JsValue[] meta)
    {
        return Array.ConvertAll(meta, ReadVariationMeta);
    }

    private static VariationMeta ReadVariationMeta(JsValue item)
    {
        if (item.Type != JsType.Object)
        {
            // JS reads meta[i].key of a non-object as undefined.
            return new VariationMeta();
        }

        var obj = item.ObjectValue;
        return new VariationMeta
        {
            Key = obj["key"].IsTruthy ? obj["key"].ToJsString() : null,
            Name = obj["name"].IsTruthy ? obj["name"].ToJsString() : null,
            Passthrough = obj["passthrough"].IsTruthy,
        };
    }

    public static ExperimentFilter[]? ReadFilters(JsObject json) => ReadFilters(json["filters"]);

    public static ExperimentFilter[]? ReadFilters(in JsValue value)
    {
        var filters = JsRead.TruthyArray(value, "filters");
        return filters is null ? null : Array.ConvertAll(filters, ReadFilter);
    }

    private static ExperimentFilter ReadFilter(JsValue item)
    {
        if (item.Type != JsType.Object)
        {
            throw JsRead.Wrong("filters", "an array of objects");
        }

        var obj = item.ObjectValue;
        var seed = obj["seed"];
        var ranges = obj["ranges"];
        if (ranges.Type != JsType.Array)
        {
            throw JsRead.Wrong("filters[].ranges", "an array");
        }

        return new ExperimentFilter
        {
            Attribute = JsRead.TruthyString(obj, "attribute"),
            Seed = seed.Type == JsType.String ? seed.StringValue : seed.ToJsString(),
            HashVersion = JsRead.TruthyInt(obj, "hashVersion"),
            Ranges = JsRead.Ranges(ranges.ArrayValue, "filters[].ranges"),
        };
    }

    public static IReadOnlyList<ParentCondition>? ReadParents(JsObject json)
    {
        var parents = JsRead.TruthyArray(json, "parentConditions");
        return parents is null ? null : Array.ConvertAll(parents, ReadParent);
    }

    private static ParentCondition ReadParent(JsValue item)
    {
        if (item.Type != JsType.Object || item.ObjectValue["id"].Type != JsType.String)
        {
            throw JsRead.Wrong("parentConditions", "an array of {id, condition} objects");
        }

        var obj = item.ObjectValue;
        var condition = obj["condition"];
        return new ParentCondition
        {
            Id = obj["id"].StringValue,
            Condition = condition.IsTruthy ? JsJson.ToElement(condition) : null,
            Gate = obj["gate"].IsTruthy,
        };
    }

    public static ContextualBanditAssignment ReadBandit(JsObject obj)
    {
        var weights = JsRead.TruthyArray(obj, "variationWeights") ?? [];
        return new ContextualBanditAssignment
        {
            LeafId = JsRead.Int(obj, "leafId") ?? -1,
            VariationWeights = JsRead.Numbers(weights, "variationWeights"),
            BanditVersion = obj.TryGetValue("banditVersion", out var version) ? JsJson.ToElement(version) : null,
        };
    }

    /// <summary>Builds the JSON object of an experiment made in code, with GrowthBook's key names and order.</summary>
    public static JsObject ToJsObject(Experiment e)
    {
        var entries = new List<KeyValuePair<string, JsValue>>
        {
            new("key", JsValue.String(e.Key)),
            new("variations", JsValue.Array(e.Variations.Select(JsJson.FromElement).ToArray())),
        };
        void Add(string name, JsValue value) => entries.Add(new(name, value));
        static JsValue Numbers(IEnumerable<double> values) => JsValue.Array(values.Select(JsValue.Number).ToArray());
        static JsValue Range(BucketRange r) => JsValue.Array([JsValue.Number(r.Start), JsValue.Number(r.End)]);

        if (e.Weights is not null) Add("weights", Numbers(e.Weights));
        if (e.Active is not null) Add("active", JsValue.Bool(e.Active.Value));
        if (e.Status is not null) Add("status", JsValue.String(e.Status));
        if (e.Coverage is not null) Add("coverage", JsValue.Number(e.Coverage.Value));
        if (e.Condition is { } condition) Add("condition", JsJson.FromElement(condition));
        if (e.ParentConditions is not null)
        {
            Add("parentConditions", JsValue.Array(e.ParentConditions.Select(p =>
            {
                var parent = new List<KeyValuePair<string, JsValue>> { new("id", JsValue.String(p.Id)) };
                if (p.Condition is { } c) parent.Add(new("condition", JsJson.FromElement(c)));
                if (p.Gate) parent.Add(new("gate", JsValue.True));
                return JsValue.Object(new JsObject([.. parent]));
            }).ToArray()));
        }

        if (e.Namespace is not null) Add("namespace", JsValue.Array([JsValue.String(e.Namespace.Id), JsValue.Number(e.Namespace.Start), JsValue.Number(e.Namespace.End)]));
        if (e.Force is not null) Add("force", JsValue.Number(e.Force.Value));
        if (e.HashAttribute is not null) Add("hashAttribute", JsValue.String(e.HashAttribute));
        if (e.FallbackAttribute is not null) Add("fallbackAttribute", JsValue.String(e.FallbackAttribute));
        if (e.HashVersion is not null) Add("hashVersion", JsValue.Number(e.HashVersion.Value));
        if (e.DisableStickyBucketing is not null) Add("disableStickyBucketing", JsValue.Bool(e.DisableStickyBucketing.Value));
        if (e.BucketVersion is not null) Add("bucketVersion", JsValue.Number(e.BucketVersion.Value));
        if (e.MinBucketVersion is not null) Add("minBucketVersion", JsValue.Number(e.MinBucketVersion.Value));
        if (e.Meta is not null)
        {
            Add("meta", JsValue.Array(e.Meta.Select(m =>
            {
                var meta = new List<KeyValuePair<string, JsValue>>();
                if (m.Key is not null) meta.Add(new("key", JsValue.String(m.Key)));
                if (m.Name is not null) meta.Add(new("name", JsValue.String(m.Name)));
                if (m.Passthrough) meta.Add(new("passthrough", JsValue.True));
                return JsValue.Object(new JsObject([.. meta]));
            }).ToArray()));
        }

        if (e.Ranges is not null) Add("ranges", JsValue.Array(e.Ranges.Select(Range).ToArray()));
        if (e.Name is not null) Add("name", JsValue.String(e.Name));
        if (e.Phase is not null) Add("phase", JsValue.String(e.Phase));
        if (e.Seed is not null) Add("seed", JsValue.String(e.Seed));
        if (e.Filters is not null)
        {
            Add("filters", JsValue.Array(e.Filters.Select(f =>
            {
                var filter = new List<KeyValuePair<string, JsValue>>();
                if (f.Attribute is not null) filter.Add(new("attribute", JsValue.String(f.Attribute)));
                filter.Add(new("seed", JsValue.String(f.Seed)));
                if (f.HashVersion is not null) filter.Add(new("hashVersion", JsValue.Number(f.HashVersion.Value)));
                filter.Add(new("ranges", JsValue.Array(f.Ranges.Select(Range).ToArray())));
                return JsValue.Object(new JsObject([.. filter]));
            }).ToArray()));
        }

        if (e.ContextualBandit is { } cb)
        {
            var bandit = new List<KeyValuePair<string, JsValue>>
            {
                new("leafId", JsValue.Number(cb.LeafId)),
                new("variationWeights", Numbers(cb.VariationWeights)),
            };
            if (cb.BanditVersion is { } version) bandit.Add(new("banditVersion", JsJson.FromElement(version)));
            Add("contextualBandit", JsValue.Object(new JsObject([.. bandit])));
        }

        return new JsObject([.. entries]);
    }
}
