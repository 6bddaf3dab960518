using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Decryption;
using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Compiles a GrowthBook payload (UTF-8 JSON) into the immutable model evaluation reads, in one pass over the text,
/// straight from the token stream: a rule's JSON object is never built (docs/engine.md, "How a payload is compiled").
/// A malformed feature or rule is skipped with one warning naming it; everything else keeps working.
/// </summary>
/// <remarks>
/// Given the payload it replaces, a feature whose member (key and value) is byte-identical to that payload's is not
/// read again: its compiled form is reused (compared with the previous payload's <see cref="FeatureStamp"/>), so an
/// update costs what it changes. Saved groups and contextual bandits are reused when their whole section is
/// identical; a feature whose conditions read saved groups, or whose rules name a bandit, is reused only with them.
/// </remarks>
internal sealed class PayloadCompiler
{
    // Fingerprints are compared only within this process; a random seed keeps crafted collisions out of reach.
    private static readonly long FingerprintSeed = Random.Shared.NextInt64();

    // Scratch the payload does not keep, rented for this compilation (CompileScratch).
    private readonly CompileScratch _scratch;
    private readonly JsonValueReader _reader;
    private readonly RuleExperimentMembers _ruleExperiment;
    private readonly ScratchList<FeatureRule> _rules;
    private readonly SharedValues _values;
    private readonly List<string> _featureWarnings;
    private readonly List<string> _warnings;
    private readonly List<ExperimentDefinition> _experiments;

    private readonly SavedGroups _savedGroups = new();
    private readonly ConditionCompiler _conditions;
    private readonly GrowthBookPayload? _previous;
    private readonly string? _decryptionKey;

    // Rented, so that compiling a large payload allocates no large transient arrays (each would count towards a full
    // collection); returned, cleared, when the payload is built.
    private Slot[] _slots = [];
    private int _slotCount;
    private JsObject _bandits = JsObject.Empty;
    private bool _banditsKnown;
    private bool _needsBandits;
    private byte[]? _featuresPlaintext;

    /// <summary>A compiler that uses <paramref name="scratch"/> (new, or reset after its last compilation) for one compilation.</summary>
    public PayloadCompiler(string? decryptionKey, GrowthBookPayload? previous, CompileScratch scratch)
    {
        _scratch = scratch;
        _reader = scratch.Reader;
        _ruleExperiment = scratch.RuleExperiment;
        _rules = scratch.Rules;
        _values = scratch.Values;
        _featureWarnings = scratch.FeatureWarnings;
        _warnings = scratch.Warnings;
        _experiments = scratch.Experiments;
        _conditions = new ConditionCompiler(_savedGroups, scratch.Conditions);
        _decryptionKey = decryptionKey;
        _previous = previous;
    }

    /// <summary>
    /// Compiles the payload in <paramref name="text"/> (decrypting its encrypted sections with <paramref name="decryptionKey"/>,
    /// reusing what is unchanged from <paramref name="previous"/>), with scratch rented for the compilation and returned
    /// after it, whether it succeeds or throws.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">An encrypted section cannot be decrypted with the key.</exception>
    public static GrowthBookPayload Compile(ReadOnlyMemory<byte> text, string? decryptionKey, GrowthBookPayload? previous)
    {
        var scratch = CompileScratch.Rent();
        try
        {
            return new PayloadCompiler(decryptionKey, previous, scratch).Compile(text);
        }
        finally
        {
            CompileScratch.Return(scratch);
        }
    }

    /// <summary>Compiles the payload in <paramref name="text"/>.</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">An encrypted section cannot be decrypted with the key.</exception>
    public GrowthBookPayload Compile(ReadOnlyMemory<byte> text)
    {
        var json = text.Span;
        var start = PayloadReader.SkipWhitespace(json, 0);
        if (start >= json.Length || json[start] != (byte)'{')
        {
            _reader.ReadAt(json, start, out var valueEnd); // text that is not JSON fails here, as JSON
            ObjectWalker.ExpectEnd(json, valueEnd);
            throw new JsonException("A GrowthBook payload must be a JSON object.");
        }

        // The last occurrence of a member wins, as in JSON.parse; an encrypted section wins over its plain form.
        var encrypted = new string?[4];
        Section savedGroups = default, bandits = default;
        string? dateUpdated = null;
        var root = new ObjectWalker(json, start);
        while (root.MoveNext(_reader, out var name, out var at))
        {
            int end;
            switch (name)
            {
                case "features":
                    end = ReadFeatures(text, at);
                    break;
                case "experiments":
                    ReadExperiments(_reader.ReadAt(json, at, out end));
                    break;
                case "savedGroups":
                    savedGroups = ReadSection(json, at, out end);
                    break;
                case "contextualBandits":
                    bandits = ReadSection(json, at, out end);
                    break;
                case "dateUpdated":
                    var date = _reader.ReadAt(json, at, out end);
                    dateUpdated = date.Type == JsType.String ? date.StringValue : null;
                    break;
                default:
                    var value = _reader.ReadAt(json, at, out end);
                    var index = Array.IndexOf(EncryptedNames, name);
                    if (index >= 0)
                    {
                        encrypted[index] = value.Type == JsType.String ? value.StringValue : null;
                    }

                    break;
            }

            root.ValueEnded(end);
        }

        ObjectWalker.ExpectEnd(json, root.End);

        if (encrypted[2] is { } encryptedGroups)
        {
            savedGroups = ReadSection(Decrypt(encryptedGroups, EncryptedNames[2]), 0, out _);
        }

        if (encrypted[3] is { } encryptedBandits)
        {
            bandits = ReadSection(Decrypt(encryptedBandits, EncryptedNames[3]), 0, out _);
        }

        LoadSavedGroups(savedGroups);
        _bandits = bandits.Value.Type == JsType.Object ? bandits.Value.ObjectValue : JsObject.Empty;
        _banditsKnown = true;

        if (encrypted[0] is { } encryptedFeatures)
        {
            _featuresPlaintext = Decrypt(encryptedFeatures, EncryptedNames[0]);
            ReadFeatures(_featuresPlaintext, PayloadReader.SkipWhitespace(_featuresPlaintext, 0));
        }

        if (encrypted[1] is { } encryptedExperiments)
        {
            ReadExperiments(ReadSection(Decrypt(encryptedExperiments, EncryptedNames[1]), 0, out _).Value);
        }

        RecompileStale(text, savedGroups.Fingerprint, bandits.Fingerprint);
        _savedGroups.Link(_conditions);
        return Build(dateUpdated, savedGroups.Fingerprint, bandits.Fingerprint);
    }

    private static readonly string[] EncryptedNames = ["encryptedFeatures", "encryptedExperiments", "encryptedSavedGroups", "encryptedContextualBandits"];

    /// <summary>A section read whole: its value and the fingerprint of its JSON.</summary>
    private readonly record struct Section(JsValue Value, ulong Fingerprint);

    /// <summary>A feature's place in the payload: its key, compiled form, stamp and warnings, and where its member and value start.</summary>
    private struct Slot
    {
        /// <summary>The key; null for a feature reused from the previous payload (it is that feature's key).</summary>
        public string? Key;
        public FeatureDefinition? Feature;
        public FeatureStamp Stamp;
        public string[] Warnings;
        public int NameStart;
        public int Start;

        /// <summary>The previous payload's compiled form, unread.</summary>
        public bool Reused;

        /// <summary>It names a contextual bandit, and the bandits come later in the JSON: compiled again once they are read.</summary>
        public bool Deferred;
    }

    private Section ReadSection(ReadOnlySpan<byte> json, int at, out int end)
    {
        var value = _reader.ReadAt(json, at, out end);
        return new Section(value, Fingerprint(json[at..end]));
    }

    private byte[] Decrypt(string encrypted, string name)
    {
        if (string.IsNullOrEmpty(_decryptionKey))
        {
            throw new GrowthBookDecryptionException($"The payload's '{name}' is encrypted, but no decryption key is configured.", DecryptionFailure.MissingKey);
        }

        var plaintext = Encoding.UTF8.GetBytes(PayloadDecryptor.Decrypt(encrypted, _decryptionKey));
        try
        {
            var reader = new Utf8JsonReader(plaintext, JsonValueReader.Options);
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            throw new GrowthBookDecryptionException($"The decrypted '{name}' is not valid JSON.", DecryptionFailure.InvalidJson);
        }

        return plaintext;
    }

    private void LoadSavedGroups(Section section)
    {
        if (section.Value.Type != JsType.Object)
        {
            return; // none: every reference finds nothing
        }

        if (_previous is { } previous && previous.SavedGroupsFingerprint == section.Fingerprint)
        {
            _savedGroups.LoadFrom(previous.SavedGroups);
        }
        else
        {
            _savedGroups.Load(section.Value.ObjectValue);
        }
    }

    // Features deferred until the bandits were read, and features reused from the previous payload whose saved groups
    // or bandits changed, are compiled (again) now.
    private void RecompileStale(ReadOnlyMemory<byte> json, ulong savedGroups, ulong bandits)
    {
        var features = _featuresPlaintext is { } plaintext ? plaintext : json;
        var groupsChanged = _previous is null || _previous.SavedGroupsFingerprint != savedGroups;
        var banditsChanged = _previous is null || _previous.BanditsFingerprint != bandits;
        foreach (ref var slot in _slots.AsSpan(0, _slotCount))
        {
            if (slot.Deferred || (slot.Reused && ((slot.Stamp.ReadsSavedGroups && groupsChanged) || (slot.Stamp.ReadsBandits && banditsChanged))))
            {
                slot.Key ??= slot.Feature!.Key;
                CompileInto(ref slot, features);
            }
        }
    }

    private int ReadFeatures(ReadOnlyMemory<byte> text, int at)
    {
        var json = text.Span;
        ReturnSlots();
        if (at >= json.Length || json[at] != (byte)'{')
        {
            var value = _reader.ReadAt(json, at, out var valueEnd);
            if (!value.IsNull)
            {
                _warnings.Add("'features' is not an object; no features loaded.");
            }

            return valueEnd;
        }

        // Sized for the previous payload (or about 150 bytes a feature).
        _slots = ArrayPool<Slot>.Shared.Rent(Math.Max(16, _previous?.Features.Length + 1 ?? json.Length / 150));
        var walker = new ObjectWalker(json, at);
        while (walker.MoveNext(out var nameStart, out var name, out var escaped, out var start))
        {
            if (_slotCount == _slots.Length)
            {
                var count = _slotCount;
                var larger = ArrayPool<Slot>.Shared.Rent(_slots.Length * 2);
                _slots.AsSpan(0, count).CopyTo(larger);
                ReturnSlots();
                _slots = larger;
                _slotCount = count;
            }

            // A key given twice gets a slot each; the last one wins when the payload is built (as in JSON.parse).
            var position = _slotCount++;
            ref var slot = ref _slots[position];
            string? key = null;
            var previous = Reusable(json, nameStart, name, escaped, position, ref key);
            slot = new Slot { Key = key, NameStart = nameStart, Start = start, Warnings = [] };
            if (previous >= 0)
            {
                slot.Feature = _previous!.Features[previous];
                slot.Stamp = _previous.Stamps[previous];
                slot.Warnings = _previous.WarningsOf(slot.Feature);
                slot.Reused = true;
                walker.ValueEnded(nameStart + slot.Stamp.Length);
            }
            else
            {
                slot.Key ??= escaped ? JsonValueReader.ReadStringAt(json, nameStart) : PayloadReader.Decode(name);
                walker.ValueEnded(CompileInto(ref slot, text));
            }
        }

        return walker.End;
    }

    private void ReturnSlots()
    {
        if (_slots.Length > 0)
        {
            _slots.AsSpan(0, _slotCount).Clear();
            ArrayPool<Slot>.Shared.Return(_slots);
        }

        _slots = [];
        _slotCount = 0;
    }

    // The position in the previous payload of the feature whose member (key and value) is the text at nameStart byte for
    // byte; -1 when there is none. An update usually keeps the features in their order: the previous feature at the same
    // position is tried first; another is found by its key (decoded into `key` for the caller).
    private int Reusable(ReadOnlySpan<byte> json, int nameStart, ReadOnlySpan<byte> name, bool escaped, int position, ref string? key)
    {
        if (_previous is not { } previous)
        {
            return -1;
        }

        var stamps = previous.Stamps;
        if (position < stamps.Length && Matches(json, nameStart, stamps[position]))
        {
            return position;
        }

        key = escaped ? JsonValueReader.ReadStringAt(json, nameStart) : PayloadReader.Decode(name);
        return previous.Index.TryGetValue(key, out var at) && Matches(json, nameStart, stamps[at]) ? at : -1;
    }

    private static bool Matches(ReadOnlySpan<byte> json, int nameStart, in FeatureStamp stamp)
        => stamp.Length > 0 && json.Length - nameStart >= stamp.Length && Fingerprint(json.Slice(nameStart, stamp.Length)) == stamp.Fingerprint;

    // Compiles the slot's feature from its value in `json` (at slot.Start), and stamps it; returns where the value ends.
    private int CompileInto(ref Slot slot, ReadOnlyMemory<byte> json)
    {
        var start = slot.Start;
        var problems = _conditions.Problems.Count;
        var reads = _conditions.SavedGroupReads;
        _featureWarnings.Clear();
        _needsBandits = false;
        var reader = new PayloadReader(json.Span[start..]);
        reader.Read();
        var feature = CompileFeature(slot.Key!, ref reader, json, start);
        var end = start + reader.BytesConsumed;
        for (var i = problems; i < _conditions.Problems.Count; i++)
        {
            _featureWarnings.Add(_conditions.Problems[i]);
        }

        slot.Deferred = _needsBandits && !_banditsKnown;
        slot.Warnings = _featureWarnings.Count == 0 ? [] : [.. _featureWarnings];
        slot.Feature = feature;
        slot.Reused = false;
        slot.Stamp = feature is null ? default : new FeatureStamp(
            Fingerprint(json.Span[slot.NameStart..end]), end - slot.NameStart, _conditions.SavedGroupReads != reads, _needsBandits, RunsExperiments(feature));

        return end;
    }

    private static ulong Fingerprint(ReadOnlySpan<byte> json) => XxHash3.HashToUInt64(json, FingerprintSeed);

    private static bool RunsExperiments(FeatureDefinition feature)
    {
        foreach (var rule in feature.Rules)
        {
            if (rule.Experiment is not null)
            {
                return true;
            }
        }

        return false;
    }

    // Reads the feature whose first token the reader is on (at `offset` in `json`) straight from the text, leaving the
    // reader on its last token; null when it is skipped (with a warning).
    private FeatureDefinition? CompileFeature(string key, ref PayloadReader reader, ReadOnlyMemory<byte> json, int offset)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            _featureWarnings.Add($"Feature '{key}' skipped: a feature must be an object.");
            return null;
        }

        var defaultValue = DeferredValue.Of(FeatureValue.Null);
        var rulesAreArray = true;
        Mark? beforeRules = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var known = MemberNames.TryIdentify(ref reader, out var member);
            reader.Read();
            if (known && member == Member.DefaultValue)
            {
                defaultValue = _values.Deferred(_reader.Read(ref reader, depth: 1, intern: true));
            }
            else if (known && member == Member.Rules)
            {
                // A repeated `rules`: the last one wins (JSON.parse), so what reading an earlier one reported is taken back.
                if (beforeRules is { } mark)
                {
                    Rewind(mark);
                }

                beforeRules = new Mark(_featureWarnings.Count, _conditions.Problems.Count, _conditions.SavedGroupReads, _needsBandits);
                rulesAreArray = reader.TokenType is JsonTokenType.StartArray or JsonTokenType.Null;
                _rules.Truncate();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    CompileRules(key, ref reader, json, offset);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }

        var rules = _rules.AsSpan();
        var feature = rulesAreArray ? new FeatureDefinition(key, defaultValue, rules) : null;
        _rules.Truncate(); // the references left go when the scratch is cleared
        if (!rulesAreArray)
        {
            _featureWarnings.Add($"Feature '{key}' skipped: 'rules' must be an array.");
        }

        return feature;
    }

    /// <summary>What compiling a feature had reported at some point.</summary>
    private readonly record struct Mark(int Warnings, int Problems, int SavedGroupReads, bool NeedsBandits);

    private void Rewind(Mark mark)
    {
        _featureWarnings.RemoveRange(mark.Warnings, _featureWarnings.Count - mark.Warnings);
        _conditions.Rewind(mark.Problems, mark.SavedGroupReads);
        _needsBandits = mark.NeedsBandits;
    }

    // The rules array the reader is on, into _rules, leaving the reader on its `]`. A rule is read whole (its members located) before it is compiled.
    private void CompileRules(string featureKey, ref PayloadReader reader, ReadOnlyMemory<byte> json, int offset)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                _featureWarnings.Add($"Feature '{featureKey}' rule {index++} skipped: a rule must be an object.");
                continue;
            }

            var members = _scratch.Rule;
            members.Read(ref reader, json, offset, depth: 2, _conditions.Repeats ? null : _conditions);
            if (CompileRule(featureKey, index++, members) is { } rule)
            {
                _rules.Add(rule);
            }
        }

    }

    // The members a force rule reads besides id, force and condition (prerequisites, filters, rollout, tracks). A rule
    // with none of them compiles to what the general read gives when each is absent, without the reads.
    private static readonly MemberSet ForceRuleExtras = MemberSet.Of(
        Member.ParentConditions, Member.Filters, Member.Range, Member.Coverage, Member.Seed, Member.HashAttribute,
        Member.FallbackAttribute, Member.HashVersion, Member.DisableStickyBucketing, Member.Tracks);

    /// <summary>Whether a force rule with none of <see cref="ForceRuleExtras"/> skips their reads (off only to test that doing so changes nothing).</summary>
    internal bool PlainForceRules { get; init; } = true;

    /// <summary>Whether a rule with these members is a force rule with none of <see cref="ForceRuleExtras"/>.</summary>
    internal static bool IsPlainForceRule(MemberSet members) => members.Contains(Member.Force) && !members.Overlaps(ForceRuleExtras);

    private FeatureRule? CompileRule(string featureKey, int index, StreamedMembers rule)
    {
        try
        {
            if (PlainForceRules && IsPlainForceRule(rule.Present))
            {
                // As CompileAnyRule with parentConditions, filters, range, coverage and tracks absent: no prerequisites,
                // filters, rollout or tracks; seed, hashAttribute, fallbackAttribute, hashVersion and
                // disableStickyBucketing (read only for a rollout, but checked: a wrong type skips the rule) absent too.
                var plainId = rule.TruthyString(Member.Id);
                rule.TryGetValue(Member.Force, out var force);
                var plainValue = _values.Deferred(force);
                var plainCondition = rule.IsTruthy(Member.Condition) ? _conditions.CompileShared(rule, Member.Condition).Condition : null;
                return new ForceRule(plainId, plainValue, plainCondition, rollout: null, parentConditions: null, filters: null, tracks: null);
            }

            return CompileAnyRule(featureKey, rule);
        }
        catch (PayloadFormatException e)
        {
            _featureWarnings.Add($"Feature '{featureKey}' rule {index} skipped: {e.Message}.");
            return null;
        }
    }

    // Any other rule. Not inlined: its many values would make every plain force rule's call zero a frame of their size.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private FeatureRule? CompileAnyRule(string featureKey, StreamedMembers rule)
    {
        var id = rule.TruthyString(Member.Id);
        var parents = ExperimentDefinition.CompileParents(rule[Member.ParentConditions], _conditions);
        var filters = ExperimentJson.ReadFilters(rule[Member.Filters]);

        if (rule.Contains(Member.Force))
        {
            var range = rule[Member.Range];
            var seed = rule.TruthyString(Member.Seed) ?? featureKey;
            var hashAttribute = rule.TruthyString(Member.HashAttribute);
            var fallbackAttribute = rule.TruthyString(Member.FallbackAttribute);
            var rangeValue = range.IsTruthy ? JsRead.Range(range, "range") : (BucketRange?)null;
            var coverage = rule.Number(Member.Coverage);
            var hashVersion = rule.TruthyInt(Member.HashVersion) ?? 1;
            var tracks = ReadTracks(rule[Member.Tracks]);
            var value = _values.Deferred(rule[Member.Force]);
            var condition = rule.IsTruthy(Member.Condition) ? _conditions.CompileShared(rule, Member.Condition).Condition : null;
            var rollout = rangeValue is null && coverage is null ? null : new Rollout
            {
                Seed = seed,
                HashAttribute = hashAttribute,
                FallbackAttribute = fallbackAttribute,
                DisableStickyBucketing = rule.IsTruthy(Member.DisableStickyBucketing),
                Range = rangeValue,
                Coverage = coverage,
                HashVersion = hashVersion,
            };
            return new ForceRule(id, value, condition, rollout, parents, filters, tracks);
        }

        // Contextual bandit rules carry their variations under `contextualVariations`.
        var variations = rule.TypeOf(Member.ContextualVariations) == JsType.Null ? Member.Variations : Member.ContextualVariations;
        if (rule.TypeOf(variations) == JsType.Null)
        {
            // Neither force nor variations: the rule does nothing itself, but its prerequisites still gate the feature.
            return parents is null ? null : FeatureRule.Gating(id, parents, filters);
        }

        if (rule.TypeOf(variations) != JsType.Array)
        {
            throw JsRead.Wrong(MemberNames.Of(variations), "an array");
        }

        var source = _ruleExperiment.Of(rule, featureKey);
        var experiment = ExperimentDefinition.CompileRule(source, _conditions, _values);

        BanditLeaf[]? leaves = null;
        if (rule.TruthyString(Member.ContextualBanditRef) is { } banditRef)
        {
            _needsBandits = true;
            if (_banditsKnown && _bandits.TryGetValue(banditRef, out var bandit) && bandit.IsTruthy)
            {
                (leaves, experiment) = CompileBandit(source.ToJsObject(), bandit, experiment);
            }
        }

        return FeatureRule.Running(id, experiment, parents, filters, leaves);
    }

    private void ReadExperiments(in JsValue list)
    {
        _experiments.Clear();
        if (list.Type != JsType.Array)
        {
            return;
        }

        var index = 0;
        foreach (var item in list.ArrayValue)
        {
            try
            {
                if (item.Type != JsType.Object)
                {
                    throw new PayloadFormatException("an experiment must be an object");
                }

                _experiments.Add(ExperimentDefinition.Compile(item.ObjectValue, _conditions, _values));
            }
            catch (PayloadFormatException e)
            {
                _warnings.Add($"Experiment {index} skipped: {e.Message}.");
            }

            index++;
        }
    }

    private GrowthBookPayload Build(string? dateUpdated, ulong savedGroups, ulong bandits)
    {
        var slots = _slots.AsSpan(0, _slotCount);
        var count = 0;
        foreach (ref var slot in slots)
        {
            _warnings.AddRange(slot.Warnings);
            count += slot.Feature is null ? 0 : 1;
        }

        var features = new FeatureDefinition[count];
        var stamps = new FeatureStamp[count];
        var next = 0;
        foreach (ref var slot in slots)
        {
            if (slot.Feature is { } feature)
            {
                stamps[next] = slot.Stamp;
                features[next++] = feature;
            }
        }

        var index = GrowthBookPayload.SameKeys(features, _previous) ? _previous!.Index : IndexOf(ref features, ref stamps, _scratch.Positions);
        Dictionary<FeatureDefinition, string[]>? featureWarnings = null;
        foreach (ref var slot in slots)
        {
            if (slot.Feature is { } feature && slot.Warnings.Length > 0)
            {
                (featureWarnings ??= new(ReferenceEqualityComparer.Instance))[feature] = slot.Warnings;
            }
        }

        ReturnSlots();
        _warnings.AddRange(_conditions.Problems); // saved groups' own conditions, among others already listed
        string[] warnings = _warnings.Count == 0 ? [] : [.. _warnings.Distinct()]; // most payloads have none: no set to build
        return new GrowthBookPayload(
            index, features, stamps, [.. _experiments], _savedGroups, dateUpdated, warnings, featureWarnings, savedGroups, bandits);
    }

    // The index of the features by key; a key given twice keeps its first position and its last definition.
    // (`positions` is scratch, empty.)
    private static FeatureIndex IndexOf(ref FeatureDefinition[] features, ref FeatureStamp[] stamps, Dictionary<string, int> positions)
    {
        positions.EnsureCapacity(features.Length);
        var unique = 0;
        for (var i = 0; i < features.Length; i++)
        {
            // Moved down over the repeats seen so far (in place: a repeat only ever moves entries towards the front).
            if (positions.TryGetValue(features[i].Key, out var at))
            {
                features[at] = features[i];
                stamps[at] = stamps[i];
            }
            else
            {
                positions[features[i].Key] = unique;
                features[unique] = features[i];
                stamps[unique++] = stamps[i];
            }
        }

        if (unique != features.Length)
        {
            features = features[..unique];
            stamps = stamps[..unique];
        }

        return FeatureIndex.Create(features, positions);
    }

    // buildContextualBanditExperiment (docs/engine.md, "Contextual bandits"): one compiled experiment per leaf, plus the fallback.
    private (BanditLeaf[] Leaves, ExperimentDefinition Fallback) CompileBandit(JsObject source, JsValue bandit, ExperimentDefinition plain)
    {
        if (bandit.Type != JsType.Object)
        {
            throw JsRead.Wrong("contextualBandits[ref]", "an object");
        }

        var definition = bandit.ObjectValue;
        var hasVersion = definition.TryGetValue("banditVersion", out var banditVersion);
        var contexts = definition["contexts"];
        var leaves = new List<BanditLeaf>();
        if (contexts.Type == JsType.Array)
        {
            foreach (var context in contexts.ArrayValue)
            {
                if (context.Type != JsType.Object)
                {
                    throw JsRead.Wrong("contextualBandits[ref].contexts", "an array of objects");
                }

                var leaf = context.ObjectValue;
                var weights = leaf["weights"];
                var leafId = leaf["leafId"];
                var condition = leaf["condition"];
                var withLeaf = WithBandit(source, weights, leafId, hasVersion ? banditVersion : null, replaceWeights: true);
                leaves.Add(new BanditLeaf(
                    condition.IsTruthy ? _conditions.Compile(condition) : Condition.True,
                    ExperimentDefinition.Compile(withLeaf, _conditions, _values)));
            }
        }

        var fallbackWeights = source["weights"].IsTruthy
            ? source["weights"]
            : JsValue.Array(Array.ConvertAll(Bucketing.GetEqualWeights(plain.Variations.Length), JsValue.Number));
        var fallbackSource = WithBandit(source, fallbackWeights, JsValue.Number(-1), hasVersion ? banditVersion : null, replaceWeights: false);
        return ([.. leaves], ExperimentDefinition.Compile(fallbackSource, _conditions, _values));
    }

    private static JsObject WithBandit(JsObject source, JsValue weights, JsValue leafId, JsValue? banditVersion, bool replaceWeights)
    {
        var result = replaceWeights ? source.With("weights", weights) : source;
        var bandit = new List<KeyValuePair<string, JsValue>> { new("leafId", leafId), new("variationWeights", weights) };
        if (banditVersion is { } version)
        {
            bandit.Add(new("banditVersion", version));
        }

        return result.With("contextualBandit", JsValue.Object(new JsObject([.. bandit])));
    }

    private static TrackedExposure[]? ReadTracks(in JsValue value)
    {
        var tracks = JsRead.TruthyArray(value, "tracks");
        if (tracks is null)
        {
            return null;
        }

        var result = new List<TrackedExposure>();
        foreach (var track in tracks)
        {
            if (track.Type != JsType.Object || track.ObjectValue["experiment"].Type != JsType.Object || track.ObjectValue["result"].Type != JsType.Object)
            {
                continue;
            }

            var experiment = ExperimentJson.ToExperiment(track.ObjectValue["experiment"].ObjectValue);
            result.Add(new TrackedExposure(experiment, ReadResult(track.ObjectValue["result"].ObjectValue)));
        }

        return [.. result];
    }

    private static ExperimentResult ReadResult(JsObject r)
    {
        var featureId = r["featureId"];
        var bucket = r["bucket"];
        return new ExperimentResult(
            key: r["key"].ToJsString(),
            featureId: featureId.Type == JsType.String ? featureId.StringValue : null,
            inExperiment: r["inExperiment"].IsTruthy,
            hashUsed: r["hashUsed"].IsTruthy,
            variationId: (int)r["variationId"].ToNumber(),
            value: FeatureValue.FromJs(r["value"]),
            hashAttribute: r["hashAttribute"].ToJsString(),
            hashValue: r["hashValue"],
            stickyBucketUsed: r["stickyBucketUsed"].IsTruthy,
            name: r["name"].IsTruthy ? r["name"].ToJsString() : null,
            bucket: bucket.Type == JsType.Number ? bucket.NumberValue : null,
            passthrough: r["passthrough"].IsTruthy,
            contextualBandit: null);
    }
}
