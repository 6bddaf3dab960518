using System.Runtime.CompilerServices;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

internal enum RegexOp : byte
{
    Char,
    CharBack,
    Split,
    Jump,
    Save,
    Assert,
    Look,
    BackReference,
    BackReferenceBack,
    LoopInit,
    LoopHead,
    LoopBody,
    LoopTail,
    Match,
}

/// <summary>One instruction of a <see cref="RegexProgram"/>; the meaning of A and B depends on the op.</summary>
internal readonly record struct RegexInstruction(RegexOp Op, int A = 0, int B = 0);

/// <summary>A counted loop of a program in full mode: JS's RepeatMatcher.</summary>
internal readonly record struct RegexLoop(int Min, int Max, bool Greedy, int Body, int Exit, int FirstGroup, int GroupCount);

/// <summary>
/// A parsed regex compiled for <see cref="RegexInterpreter"/>, in one of two modes chosen from the pattern alone:
/// <list type="bullet">
/// <item><b>memoized</b> (no back-references): an NFA of splits and jumps, counted loops unrolled, no captures. Whether a
/// match exists depends only on (instruction, position), so the matcher visits each pair once.</item>
/// <item><b>full</b> (back-references, or a counted loop too large to unroll): captures and loop counters as ECMA-262's
/// matcher keeps them — captures cleared at each iteration of a quantified group, an iteration that matches empty
/// ends the loop, lookbehinds matched right to left — under a step budget.</item>
/// </list>
/// </summary>
internal sealed class RegexProgram
{
    // Unrolling a counted loop stops being worth it (memory per match) beyond this many instructions.
    private const int MaxUnrolledInstructions = 20_000;

    private readonly List<RegexInstruction> _code = [];
    private readonly List<CodeUnitMatcher> _sets = [];
    private readonly List<RegexLoop> _loops = [];
    private readonly bool _memoized;
    private readonly bool _ignoreCase;

    private RegexProgram(bool memoized, bool ignoreCase, int groupCount)
    {
        _memoized = memoized;
        _ignoreCase = ignoreCase;
        GroupCount = groupCount;
    }

    public RegexInstruction[] Code { get; private set; } = [];

    public CodeUnitMatcher[] Sets { get; private set; } = [];

    public RegexLoop[] Loops { get; private set; } = [];

    /// <summary>True for the memoized mode (see the class remarks).</summary>
    public bool Memoized => _memoized;

    public bool IgnoreCase => _ignoreCase;

    public int GroupCount { get; }

    /// <summary>Compiles a parsed pattern; the mode follows from the pattern alone.</summary>
    /// <exception cref="InsufficientExecutionStackException">The pattern nests deeper than this thread's stack allows.</exception>
    public static RegexProgram Compile(RegexNode root, int groupCount, bool ignoreCase)
    {
        if (!HasBackReference(root))
        {
            var memoized = new RegexProgram(memoized: true, ignoreCase, groupCount);
            if (memoized.TryEmit(root))
            {
                return memoized.Finish();
            }
        }

        var full = new RegexProgram(memoized: false, ignoreCase, groupCount);
        full.TryEmit(root);
        return full.Finish();
    }

    private bool TryEmit(RegexNode root)
    {
        if (!Emit(root, backward: false))
        {
            return false;
        }

        _code.Add(new RegexInstruction(RegexOp.Match));
        return true;
    }

    private RegexProgram Finish()
    {
        Code = [.. _code];
        Sets = [.. _sets];
        Loops = [.. _loops];
        return this;
    }

    private static bool HasBackReference(RegexNode node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return node switch
        {
            BackReferenceNode => true,
            AlternationNode a => a.Alternatives.Any(HasBackReference),
            SequenceNode s => s.Terms.Any(HasBackReference),
            GroupNode g => HasBackReference(g.Body),
            LookaroundNode l => HasBackReference(l.Body),
            QuantifierNode q => HasBackReference(q.Body),
            _ => false,
        };
    }

    private int Here => _code.Count;

    private int Add(RegexOp op, int a = 0, int b = 0)
    {
        _code.Add(new RegexInstruction(op, a, b));
        return _code.Count - 1;
    }

    private void Patch(int at, RegexOp op, int a, int b = 0) => _code[at] = new RegexInstruction(op, a, b);

    // Emits a node; false when the memoized mode cannot express it (the full mode always can).
    private bool Emit(RegexNode node, bool backward)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case CharNode c:
                _sets.Add(c.Set.Freeze());
                Add(backward ? RegexOp.CharBack : RegexOp.Char, _sets.Count - 1);
                return true;
            case SequenceNode s:
                for (var i = 0; i < s.Terms.Length; i++)
                {
                    if (!Emit(s.Terms[backward ? s.Terms.Length - 1 - i : i], backward))
                    {
                        return false;
                    }
                }

                return true;
            case AlternationNode a:
                return EmitAlternation(a, backward);
            case AssertionNode assertion:
                Add(RegexOp.Assert, (int)assertion.Kind);
                return true;
            case GroupNode g:
                if (_memoized)
                {
                    return Emit(g.Body, backward);
                }

                // Going right to left, a group's end is known first (ECMA-262 RegExpBuiltinExec's direction -1).
                Add(RegexOp.Save, (2 * g.Index) + (backward ? 1 : 0));
                Emit(g.Body, backward);
                Add(RegexOp.Save, (2 * g.Index) + (backward ? 0 : 1));
                return true;
            case LookaroundNode l:
                var look = Add(RegexOp.Look, l.Behind ? 1 : 0, l.Negate ? 1 : 0);
                var skip = Add(RegexOp.Jump);
                if (!Emit(l.Body, backward: l.Behind))
                {
                    return false;
                }

                Add(RegexOp.Match);
                Patch(skip, RegexOp.Jump, Here);
                _ = look;
                return true;
            case BackReferenceNode r:
                Add(backward ? RegexOp.BackReferenceBack : RegexOp.BackReference, r.Group);
                return true;
            case QuantifierNode q:
                return _memoized ? EmitUnrolled(q, backward) : EmitLoop(q, backward);
            default:
                throw new InvalidOperationException("Unknown regex node " + node.GetType().Name);
        }
    }

    private bool EmitAlternation(AlternationNode a, bool backward)
    {
        var jumpsToEnd = new List<int>();
        for (var i = 0; i < a.Alternatives.Length; i++)
        {
            var split = i < a.Alternatives.Length - 1 ? Add(RegexOp.Split) : -1;
            if (!Emit(a.Alternatives[i], backward))
            {
                return false;
            }

            if (split >= 0)
            {
                jumpsToEnd.Add(Add(RegexOp.Jump));
                Patch(split, RegexOp.Split, split + 1, Here);
            }
        }

        foreach (var jump in jumpsToEnd)
        {
            Patch(jump, RegexOp.Jump, Here);
        }

        return true;
    }

    // Memoized mode: x{min,max} as min copies of x, then x* or (max - min) optional copies. Without back-references
    // neither captures nor the empty-iteration rule can change whether a match exists.
    private bool EmitUnrolled(QuantifierNode q, bool backward)
    {
        var start = Here;
        if (!Emit(q.Body, backward))
        {
            return false;
        }

        var bodySize = Here - start;
        var optional = q.Max == int.MaxValue ? 1 : (long)q.Max - q.Min;
        if (((long)q.Min + optional) * (bodySize + 2) > MaxUnrolledInstructions || q.Min == int.MaxValue)
        {
            return false;
        }

        var body = _code.GetRange(start, bodySize);
        _code.RemoveRange(start, bodySize);
        for (var i = 0; i < q.Min; i++)
        {
            AppendCopy(body, start);
        }

        if (q.Max == int.MaxValue)
        {
            var split = Add(RegexOp.Split);
            AppendCopy(body, start);
            Add(RegexOp.Jump, split);
            Patch(split, RegexOp.Split, q.Greedy ? split + 1 : Here, q.Greedy ? Here : split + 1);
            return true;
        }

        for (var i = 0; i < optional; i++)
        {
            var split = Add(RegexOp.Split);
            AppendCopy(body, start);
            Patch(split, RegexOp.Split, q.Greedy ? split + 1 : Here, q.Greedy ? Here : split + 1);
        }

        return true;
    }

    // Appends a copy of instructions first emitted at `origin`, moving their jump targets with them.
    private void AppendCopy(List<RegexInstruction> body, int origin)
    {
        var offset = Here - origin;
        foreach (var instruction in body)
        {
            _code.Add(instruction.Op switch
            {
                RegexOp.Split => instruction with { A = instruction.A + offset, B = instruction.B + offset },
                RegexOp.Jump => instruction with { A = instruction.A + offset },
                _ => instruction,
            });
        }
    }

    // Full mode: ECMA-262 RepeatMatcher with a counter and the position where the iteration began.
    private bool EmitLoop(QuantifierNode q, bool backward)
    {
        if (q.Max == 0)
        {
            return true; // the atom is never tried
        }

        var index = _loops.Count;
        _loops.Add(default);
        Add(RegexOp.LoopInit, index);
        var head = Add(RegexOp.LoopHead, index);
        var body = Add(RegexOp.LoopBody, index);
        Emit(q.Body, backward);
        Add(RegexOp.LoopTail, index, head);
        _loops[index] = new RegexLoop(q.Min, q.Max, q.Greedy, body, Here, q.FirstGroup, q.GroupCount);
        return true;
    }
}
