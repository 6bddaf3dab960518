namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>A parsed JavaScript regex (non-unicode grammar, ECMA-262 Annex B included), as <see cref="RegexParser"/> builds it.</summary>
internal abstract record RegexNode;

/// <summary><c>a|b|…</c>.</summary>
internal sealed record AlternationNode(RegexNode[] Alternatives) : RegexNode;

/// <summary>Terms matched one after the other.</summary>
internal sealed record SequenceNode(RegexNode[] Terms) : RegexNode;

/// <summary>
/// One code unit from a set (a character, a class, <c>.</c>, an escape), already closed under case folding for
/// <c>i</c>. The set is sealed, so the tree can be read by several threads (a regex's engine is built on first use).
/// </summary>
internal sealed record CharNode : RegexNode
{
    public CharNode(CodeUnitSet set) => Set = set.Sealed();

    public CodeUnitSet Set { get; }
}

/// <summary><c>^</c>, <c>$</c>, <c>\b</c> or <c>\B</c>.</summary>
internal sealed record AssertionNode(AssertionKind Kind) : RegexNode;

internal enum AssertionKind
{
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

/// <summary>A capturing group, numbered from 1 in the order of its opening parenthesis.</summary>
internal sealed record GroupNode(int Index, RegexNode Body) : RegexNode;

/// <summary><c>(?=…)</c>, <c>(?!…)</c>, <c>(?&lt;=…)</c> or <c>(?&lt;!…)</c>.</summary>
internal sealed record LookaroundNode(bool Behind, bool Negate, RegexNode Body) : RegexNode;

/// <summary><c>\n</c> or <c>\k&lt;name&gt;</c>: the text group <see cref="Group"/> captured (compared with Canonicalize under <c>i</c>).</summary>
internal sealed record BackReferenceNode(int Group) : RegexNode;

/// <summary>
/// A quantified atom. <see cref="Max"/> is <see cref="int.MaxValue"/> for no bound (as V8 clamps counts). Groups
/// <see cref="FirstGroup"/> .. <see cref="FirstGroup"/> + <see cref="GroupCount"/> - 1 lie inside the atom: JS clears
/// their captures at the start of every iteration.
/// </summary>
internal sealed record QuantifierNode(RegexNode Body, int Min, int Max, bool Greedy, int FirstGroup, int GroupCount) : RegexNode;
