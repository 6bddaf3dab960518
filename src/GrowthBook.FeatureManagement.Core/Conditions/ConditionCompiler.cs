using System.Text.Json;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// A compiled condition, with what compiling it reported (reported again for every use) and, for an experiment's, the
/// JSON it was compiled from (kept for reporting the experiment). Most conditions have neither problems nor saved-group
/// reads and target no experiment: they take no more than the compiled tree and this object.
/// </summary>
internal sealed class SharedCondition(Condition condition)
{
    private Details? _details;

    public Condition Condition { get; } = condition;

    /// <summary>
    /// The JSON it was compiled from, once an experiment that reports it has set it (while the payload's text is still
    /// at hand); null until then.
    /// </summary>
    public JsValue? Source
    {
        get => _details?.Source;
        set => (_details ??= new()).Source = value;
    }

    /// <summary>Problems compiling it reported (unknown operators, depth, bad regexes).</summary>
    public string[] Problems
    {
        get => _details?.Problems ?? [];
        init
        {
            if (value.Length > 0)
            {
                (_details ??= new()).Problems = value;
            }
        }
    }

    /// <summary>How many of its parts read saved groups.</summary>
    public int SavedGroupReads
    {
        get => _details?.SavedGroupReads ?? 0;
        init
        {
            if (value != 0)
            {
                (_details ??= new()).SavedGroupReads = value;
            }
        }
    }

    private sealed class Details
    {
        public JsValue? Source;
        public string[] Problems = [];
        public int SavedGroupReads;
    }
}

/// <summary>
/// Turns a condition (<c>mongrule</c> JSON) into a tree of <see cref="Condition"/> and
/// <see cref="ValueMatcher"/> nodes: regexes built, versions padded, lists hashed, saved groups bound.
/// The semantics are JS SDK 1.8.0's <c>mongrule.ts</c> (docs/engine.md, "Conditions"), node by node.
/// </summary>
internal sealed class ConditionCompiler(SavedGroups savedGroups, ConditionTables tables)
{
    public ConditionCompiler(SavedGroups savedGroups)
        : this(savedGroups, new ConditionTables())
    {
    }

    /// <summary>
    /// Conditions nested deeper than this (counting every object and array level) evaluate to false.
    /// Real targeting conditions stay far below it; the limit keeps hostile payloads from exhausting the stack.
    /// </summary>
    public const int MaxDepth = 64;

    // One compiled tree per distinct condition (structurally equal JSON): a payload repeats the same targeting on many
    // features, and each copy would otherwise cost its own nodes, lists and regexes.
    // (Empty when given: a payload's compilation passes the tables the last one cleared.)
    private readonly Dictionary<JsValue, SharedCondition> _compiled = tables.Compiled;
    private readonly TextTable<SharedCondition> _byText = tables.ByText;
    private readonly List<GroupListMatcher> _groupLists = tables.GroupLists;

    /// <summary>Problems seen while compiling (unknown operators, depth, bad regexes), for one log line each.</summary>
    public List<string> Problems { get; } = tables.Problems;

    /// <summary>How many compiled conditions read saved groups (<c>$inGroup</c>, <c>$notInGroup</c>, <c>$savedGroup</c>) so far.</summary>
    public int SavedGroupReads { get; private set; }

    public SavedGroups SavedGroups => savedGroups;

    /// <summary>Takes back what was reported since <see cref="Problems"/> had <paramref name="problems"/> entries and <see cref="SavedGroupReads"/> was <paramref name="savedGroupReads"/>.</summary>
    public void Rewind(int problems, int savedGroupReads)
    {
        Problems.RemoveRange(problems, Problems.Count - problems);
        SavedGroupReads = savedGroupReads;
    }

    /// <summary>Compiles a whole condition, as <c>evalCondition(obj, condition)</c> reads it.</summary>
    /// <remarks>A condition with any part nested deeper than <see cref="MaxDepth"/> is false as a whole.</remarks>
    public Condition Compile(in JsValue condition) => CompileShared(condition).Condition;

    /// <summary><see cref="Compile"/>, with the condition as first seen: one copy of both for every use of an equal condition.</summary>
    public SharedCondition CompileShared(in JsValue condition) => Use(CompileKnown(condition));

    /// <summary>
    /// <see cref="CompileShared(in JsValue)"/> for a member of a rule or experiment. When its text is at hand, conditions
    /// are shared by their text, byte for byte (kept by reference, not copied): one written the same way as one compiled
    /// before is neither built nor compiled again. Hashing a new condition's structure as well, to share it with an equal
    /// one written differently (which GrowthBook's API does not write), took about a seventh of a small payload's parse.
    /// </summary>
    public SharedCondition CompileShared(JsonMembers source, Member member)
    {
        var text = source.Json(member);
        if (text.IsEmpty)
        {
            return CompileShared(source[member]);
        }

        var hash = TextTable<SharedCondition>.HashOf(text.Span);
        if (_byText.TryGetValue(text.Span, hash, out var known))
        {
            Repeats = true;
        }
        else
        {
            known = source.CompiledCondition(member) ?? CompileNew(source[member]);
            _byText.Add(text, hash, known);
        }

        return Use(known);
    }

    /// <summary>
    /// Compiles the condition object the reader is on as it reads it, leaving the reader on its <c>}</c>, when it has
    /// the shape nearly every targeting condition has: attributes (not operators, not array indices, none repeated),
    /// each compared with a value or with operators that take a plain operand (<see cref="PlainOperators"/>). Building
    /// its JSON value first cost more than compiling it. Any other condition is read past, and null returned: the
    /// caller compiles it from its value, as before. Either way the compiled condition is the same.
    /// </summary>
    /// <param name="reader">On the condition's <c>{</c>.</param>
    /// <param name="values">Reads operands and names (interned as when the value is built).</param>
    /// <param name="depth">The condition's depth in the value it belongs to (see <see cref="JsonValueReader"/>).</param>
    public SharedCondition? CompileAsRead(ref PayloadReader reader, JsonValueReader values, int depth)
    {
        var problems = Problems.Count;
        var start = reader.CurrentDepth;

        // Operands deep enough to be cut (JsJson.MaxValueDepth) are left to the general path, which cuts them.
        var compiled = depth + 3 < JsJson.MaxValueDepth ? ReadClauses(ref reader, values, depth) : null;
        if (compiled is null)
        {
            Rewind(problems, SavedGroupReads);
            while (!(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == start))
            {
                reader.Read();
            }

            return null;
        }

        var known = new SharedCondition(compiled) { Problems = ProblemsSince(problems) };
        Rewind(problems, SavedGroupReads);
        return known;
    }

    // The clauses of a condition read as CompileCondition reads its value; null, with the reader inside the condition,
    // as soon as it is not of the shape CompileAsRead takes.
    private Condition? ReadClauses(ref PayloadReader reader, JsonValueReader values, int depth)
    {
        _readNames.Truncate();
        _readClauses.Truncate();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var attribute = values.ReadString(ref reader);
            if (attribute.Length == 0 || attribute[0] == '$' || char.IsAsciiDigit(attribute[0]) || _readNames.IndexOf(attribute) >= 0)
            {
                return null; // operators at the top, array indices (put first by JS property order), repeated names
            }

            _readNames.Add(attribute);
            reader.Read();
            var matcher = reader.TokenType == JsonTokenType.StartObject
                ? ReadOperators(ref reader, values, depth + 2)
                : CompileValue(values.Read(ref reader, depth + 1, intern: true), insensitive: false, 1);
            if (matcher is null)
            {
                return null;
            }

            _readClauses.Add(new PathCondition(attribute, matcher));
        }

        return _readClauses.Count switch
        {
            0 => Condition.True,
            1 => _readClauses[0],
            _ => new AllCondition([.. _readClauses.AsSpan()]),
        };
    }

    // The operator object the reader is on, compiled as CompileValue compiles it; null when it is empty, not all
    // operators, repeats one, or uses one that is not plain.
    private ValueMatcher? ReadOperators(ref PayloadReader reader, JsonValueReader values, int depth)
    {
        var names = _readNames.Count;
        _readOperators.Truncate();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var op = reader.ValueIsEscaped ? null : PlainOperator(reader.ValueSpan);
            if (op is null || _readNames.IndexOf(op, names) >= 0)
            {
                return null;
            }

            _readNames.Add(op);
            reader.Read();
            _readOperators.Add(CompileOperator(op, values.Read(ref reader, depth, intern: true), 1));
        }

        _readNames.Truncate(names);
        return _readOperators.Count switch
        {
            0 => null, // {} is compared by equality
            1 => _readOperators[0],
            _ => new AllOperatorsMatcher([.. _readOperators.AsSpan()]),
        };
    }

    // Scratch for CompileAsRead: names seen in the condition (then in the operator object being read), clauses, operators.
    private readonly ScratchList<string> _readNames = tables.ReadNames;
    private readonly ScratchList<Condition> _readClauses = tables.ReadClauses;
    private readonly ScratchList<ValueMatcher> _readOperators = tables.ReadOperators;

    // Operators whose operand is compiled without nested conditions and without binding saved groups; none is longer
    // than 8 bytes, so each is known by its bytes as one number.
    private static readonly string[] PlainOperators =
    [
        "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$exists", "$in", "$nin", "$ini", "$nini",
        "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte", "$regex", "$regexi", "$type",
    ];

    private static readonly ulong[] PlainOperatorBytes = [.. PlainOperators.Select(op => PackedBytes.Head(System.Text.Encoding.ASCII.GetBytes(op)))];

    /// <summary>The plain operator <paramref name="name"/> (UTF-8, unescaped) names; null for any other name.</summary>
    private static string? PlainOperator(ReadOnlySpan<byte> name)
    {
        if (name.Length is < 3 or > 8)
        {
            return null;
        }

        var packed = PackedBytes.Head(name); // all of it: 8 bytes at most
        for (var i = 0; i < PlainOperatorBytes.Length; i++)
        {
            if (PlainOperatorBytes[i] == packed)
            {
                return PlainOperators[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a condition has come again yet. Until one has, a reader gains by building each condition as it reads it
    /// (once) rather than locating it, looking its text up and building it after the miss (twice); from then on, by
    /// looking it up. Either way the result is the same; only the work differs.
    /// </summary>
    public bool Repeats { get; private set; }

    // The same problems and saved-group reads are reported for every use, as compiling it again would report them.
    private SharedCondition Use(SharedCondition known)
    {
        if (known.Problems is { Length: > 0 } problems)
        {
            Problems.AddRange(problems); // most conditions have none: no range to copy
        }

        SavedGroupReads += known.SavedGroupReads;
        return known;
    }

    // What compiling reported since Problems had `count` entries: kept with the condition, to report for each use.
    private string[] ProblemsSince(int count) => Problems.Count == count ? [] : [.. Problems.GetRange(count, Problems.Count - count)];

    private SharedCondition CompileKnown(in JsValue condition)
    {
        ref var known = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_compiled, condition, out var exists);
        if (!exists)
        {
            known = CompileNew(condition); // compiling never adds to the dictionary, so the reference stays valid
        }

        return known!;
    }

    private SharedCondition CompileNew(in JsValue condition)
    {
        var problems = Problems.Count;
        var reads = SavedGroupReads;
        _tooDeep = false;
        var compiled = CompileCondition(condition, 0);
        var known = new SharedCondition(_tooDeep ? Condition.False : compiled)
        {
            Problems = ProblemsSince(problems),
            SavedGroupReads = SavedGroupReads - reads,
        };

        // Compiling reported its problems and reads once already; Use reports them again for this use.
        Rewind(problems, reads);
        return known;
    }

    /// <summary>Compiles a value condition, as <c>evalConditionValue(condition, value)</c> reads it.</summary>
    public ValueMatcher CompileValue(in JsValue condition)
    {
        _tooDeep = false;
        var compiled = CompileValue(condition, insensitive: false, 0);
        return _tooDeep ? ValueMatcher.Never : compiled;
    }

    /// <summary>
    /// Binds every <c>$inGroup</c>/<c>$notInGroup</c> compiled so far to its saved group's list. Called once the
    /// payload's saved groups are loaded, which in the JSON may come after the features that use them.
    /// </summary>
    public void BindSavedGroupLists()
    {
        foreach (var matcher in _groupLists)
        {
            matcher.Bind(savedGroups);
        }
    }

    private bool _tooDeep;

    private Condition CompileCondition(in JsValue condition, int depth)
    {
        if (depth > MaxDepth)
        {
            return TooDeep();
        }

        // Object.entries(condition): objects by key, arrays and strings by index; other values have no entries.
        Condition[] clauses;
        switch (condition.Type)
        {
            case JsType.Object:
                var entries = condition.ObjectValue.Entries;
                if (entries.Length == 1)
                {
                    return CompileClause(entries[0].Key, entries[0].Value, depth); // most conditions test one attribute
                }

                clauses = new Condition[entries.Length];
                for (var i = 0; i < entries.Length; i++)
                {
                    clauses[i] = CompileClause(entries[i].Key, entries[i].Value, depth);
                }

                break;
            case JsType.Array:
                var items = condition.ArrayValue;
                clauses = new Condition[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    clauses[i] = CompileClause(i.ToString(System.Globalization.CultureInfo.InvariantCulture), items[i], depth);
                }

                break;
            case JsType.String:
                var text = condition.StringValue;
                clauses = new Condition[text.Length];
                for (var i = 0; i < text.Length; i++)
                {
                    clauses[i] = CompileClause(i.ToString(System.Globalization.CultureInfo.InvariantCulture), JsValue.String(text[i].ToString()), depth);
                }

                break;
            case JsType.Null:
                return Condition.False; // Object.entries(null) throws in JS; a broken condition matches nobody
            default:
                return Condition.True;
        }

        return clauses.Length switch
        {
            0 => Condition.True,
            1 => clauses[0],
            _ => new AllCondition(clauses),
        };
    }

    private Condition CompileClause(string key, in JsValue value, int depth)
    {
        switch (key)
        {
            case "$or":
                return CompileList(value, depth, isOr: true, negate: false);
            case "$nor":
                return CompileList(value, depth, isOr: true, negate: true);
            case "$and":
                return CompileList(value, depth, isOr: false, negate: false);
            case "$not":
                return new NotCondition(CompileCondition(value, depth + 1));
            case "$savedGroup":
                SavedGroupReads++;
                return CompileSavedGroupReference(value);
            default:
                return new PathCondition(key, CompileValue(value, insensitive: false, depth + 1));
        }
    }

    // evalOr / evalAnd read `conditions.length`: an array iterates, a string iterates its characters,
    // anything else has no length (so $or/$and pass and $nor fails), and null throws (matches nobody).
    private Condition CompileList(in JsValue value, int depth, bool isOr, bool negate)
    {
        Condition[] items;
        switch (value.Type)
        {
            case JsType.Array:
                var array = value.ArrayValue;
                items = new Condition[array.Length];
                for (var i = 0; i < array.Length; i++)
                {
                    items[i] = CompileCondition(array[i], depth + 1);
                }

                break;
            case JsType.String:
                var text = value.StringValue;
                items = new Condition[text.Length];
                for (var i = 0; i < text.Length; i++)
                {
                    items[i] = CompileCondition(JsValue.String(text[i].ToString()), depth + 1);
                }

                break;
            case JsType.Null:
                return Condition.False;
            default:
                return isOr && negate ? Condition.False : Condition.True;
        }

        return isOr ? new AnyCondition(items, negate) : new AllCondition(items);
    }

    private Condition CompileSavedGroupReference(in JsValue reference)
    {
        if (reference.Type != JsType.Object)
        {
            return Condition.False;
        }

        var id = reference.ObjectValue["id"];
        if (id.Type != JsType.String)
        {
            return Condition.False;
        }

        string? attributeKey = null;
        if (reference.ObjectValue.TryGetValue("attributeKey", out var key))
        {
            if (key.Type != JsType.String)
            {
                return Condition.False; // falling back to the entry's attribute would test another population
            }

            attributeKey = key.StringValue;
        }

        return new SavedGroupCondition(savedGroups, id.StringValue, attributeKey);
    }

    private ValueMatcher CompileValue(in JsValue condition, bool insensitive, int depth)
    {
        if (depth > MaxDepth)
        {
            TooDeep();
            return ValueMatcher.Never;
        }

        switch (condition.Type)
        {
            case JsType.String:
                return new StringEqualsMatcher(condition.StringValue, insensitive);
            case JsType.Number:
                return new NumberEqualsMatcher(condition.NumberValue);
            case JsType.Boolean:
                return new BooleanEqualsMatcher(condition.BooleanValue);
            case JsType.Null:
                return NullMatcher.Instance;
            case JsType.Array:
                return new JsonEqualsMatcher(condition.ToJson(), JsType.Array);
        }

        var obj = condition.ObjectValue;
        if (!IsOperatorObject(obj))
        {
            return new JsonEqualsMatcher(condition.ToJson(), JsType.Object);
        }

        var operators = new ValueMatcher[obj.Count];
        var i = 0;
        foreach (var entry in obj.Entries)
        {
            operators[i++] = CompileOperator(entry.Key, entry.Value, depth);
        }

        return operators.Length == 1 ? operators[0] : new AllOperatorsMatcher(operators);
    }

    // At least one key, and every key starts with '$'. An empty object is compared by equality.
    private static bool IsOperatorObject(JsObject obj)
    {
        if (obj.Count == 0)
        {
            return false;
        }

        foreach (var entry in obj.Entries)
        {
            if (entry.Key.Length == 0 || entry.Key[0] != '$')
            {
                return false;
            }
        }

        return true;
    }

    private ValueMatcher CompileOperator(string op, in JsValue expected, int depth)
    {
        switch (op)
        {
            case "$veq":
            case "$vne":
            case "$vgt":
            case "$vgte":
            case "$vlt":
            case "$vlte":
                return new VersionMatcher(op, PaddedVersion.Of(expected));
            case "$eq":
                return new StrictEqualsMatcher(expected, negate: false);
            case "$ne":
                return new StrictEqualsMatcher(expected, negate: true);
            case "$lt":
                return new RelationalMatcher(Relation.LessThan, expected);
            case "$lte":
                return new RelationalMatcher(Relation.LessOrEqual, expected);
            case "$gt":
                return new RelationalMatcher(Relation.GreaterThan, expected);
            case "$gte":
                return new RelationalMatcher(Relation.GreaterOrEqual, expected);
            case "$exists":
                return new ExistsMatcher(expected.IsTruthy);
            case "$in":
            case "$nin":
            case "$ini":
            case "$nini":
                if (expected.Type != JsType.Array)
                {
                    return ValueMatcher.Never;
                }

                return new InSet(expected.ArrayValue, insensitive: op.EndsWith('i'), negate: op.StartsWith("$n", StringComparison.Ordinal));
            case "$inGroup":
            case "$notInGroup":
            {
                // savedGroups[expected]: the operand is used as a property key, so it is stringified.
                SavedGroupReads++;
                var matcher = new GroupListMatcher(expected.ToJsString(), negate: op == "$notInGroup");
                _groupLists.Add(matcher);
                return matcher;
            }

            case "$not":
                return new NotMatcher(CompileValue(expected, insensitive: false, depth + 1));
            case "$size":
                return new SizeMatcher(CompileValue(expected, insensitive: false, depth + 1));
            case "$elemMatch":
                return expected.Type == JsType.Object && IsOperatorObject(expected.ObjectValue)
                    ? new ElemMatchMatcher(CompileValue(expected, insensitive: false, depth + 1), null)
                    : new ElemMatchMatcher(null, CompileCondition(expected, depth + 1));
            case "$all":
            case "$alli":
                if (expected.Type != JsType.Array)
                {
                    return ValueMatcher.Never;
                }

                // A loop, not a lambda: one capturing `depth` would cost an allocation on every call of this method.
                var all = new ValueMatcher[expected.ArrayValue.Length];
                for (var i = 0; i < all.Length; i++)
                {
                    all[i] = CompileValue(expected.ArrayValue[i], op == "$alli", depth + 1);
                }

                return new AllMatcher(all);
            case "$regex":
            case "$regexi":
            {
                if (expected.Type != JsType.String)
                {
                    return ValueMatcher.Never;
                }

                var regex = JsRegex.TryCreate(expected.StringValue, ignoreCase: op == "$regexi");
                if (regex is null)
                {
                    Problems.Add("invalid regular expression in " + op);
                    return ValueMatcher.Never;
                }

                if (regex.BudgetWarning is { } warning)
                {
                    Problems.Add(warning);
                }

                return new RegexMatcher(regex);
            }

            case "$type":
                return expected.Type == JsType.String ? new TypeMatcher(expected.StringValue) : ValueMatcher.Never;
            default:
                Problems.Add("unknown operator " + op);
                return ValueMatcher.Never;
        }
    }

    private Condition TooDeep()
    {
        _tooDeep = true;
        if (!Problems.Contains(DepthProblem))
        {
            Problems.Add(DepthProblem);
        }

        return Condition.False;
    }

    private static readonly string DepthProblem = $"condition nested deeper than {MaxDepth} levels (evaluates to false)";
}
