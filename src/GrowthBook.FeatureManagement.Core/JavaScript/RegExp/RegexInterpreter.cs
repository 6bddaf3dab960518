using System.Runtime.CompilerServices;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// Runs a <see cref="RegexProgram"/>: <c>regex.test(input)</c>, an unanchored search trying every start position as
/// JavaScript does. A backtracking interpreter with an explicit stack, so input length never grows the call stack
/// (only nested lookarounds do). Every instruction and every backtrack counts as a step; past
/// <see cref="Budget"/> steps the search stops with <see cref="RegexBudgetExceededException"/>.
/// </summary>
internal sealed class RegexInterpreter
{
    /// <summary>Memoization needs a bit per (instruction, position); beyond this many bits a search runs without it.</summary>
    public const long MaxMemoBits = 1L << 27;

    /// <summary>The fixed part of the step budget (docs/engine.md, "Regular expressions").</summary>
    public const long BaseBudget = 1_000_000;

    [ThreadStatic]
    private static RegexInterpreter? _cached;

    private RegexProgram _program = null!;
    private string _input = "";
    private int[] _captures = [];
    private int[] _registers = [];
    private Entry[] _stack = new Entry[64];
    private int _sp;
    private ulong[] _visited = [];
    private bool _memo;
    private int _width;
    private readonly List<int> _touched = [];
    private int _lookDepth;
    private long _steps;
    private long _budget;

    private enum EntryKind : byte
    {
        Branch,
        RestoreCapture,
        RestoreRegister,
    }

    private readonly record struct Entry(EntryKind Kind, int A, int B);

    /// <summary>The step budget of one search: a fixed part plus one step per (instruction, position) pair.</summary>
    public static long Budget(RegexProgram program, int inputLength) => BaseBudget + ((long)program.Code.Length * (inputLength + 1));

    /// <summary><c>regex.test(input)</c>.</summary>
    /// <exception cref="RegexBudgetExceededException">The search needed more than <see cref="Budget"/> steps.</exception>
    /// <exception cref="InsufficientExecutionStackException">Lookarounds nest deeper than this thread's stack allows.</exception>
    public static bool Test(RegexProgram program, string input)
    {
        var matcher = _cached ?? new RegexInterpreter();
        _cached = null; // a nested use on this thread (none today) would get its own
        try
        {
            return matcher.Search(program, input);
        }
        finally
        {
            // A hostile search can grow the buffers; keep only modest ones for the next search on this thread.
            matcher._input = "";
            if (matcher._stack.Length > 1 << 16)
            {
                matcher._stack = new Entry[64];
            }

            if (matcher._visited.Length > 1 << 14)
            {
                matcher._visited = [];
            }

            _cached = matcher;
        }
    }

    private bool Search(RegexProgram program, string input)
    {
        _program = program;
        _input = input;
        _sp = 0;
        _steps = 0;
        _lookDepth = 0;
        _touched.Clear();
        _budget = Budget(program, input.Length);
        _width = input.Length + 1;
        var slots = 2 * (program.GroupCount + 1);
        if (_captures.Length < slots)
        {
            _captures = new int[slots];
        }

        Array.Fill(_captures, -1, 0, slots);
        if (_registers.Length < 2 * program.Loops.Length)
        {
            _registers = new int[2 * program.Loops.Length];
        }

        var bits = (long)program.Code.Length * _width;
        _memo = program.Memoized && bits <= MaxMemoBits;
        if (_memo)
        {
            var words = (int)((bits + 63) >> 6);
            if (_visited.Length < words)
            {
                _visited = new ulong[words];
            }
            else
            {
                Array.Clear(_visited, 0, words);
            }
        }

        var first = program.Code[0];
        var firstSet = first.Op == RegexOp.Char ? program.Sets[first.A] : null;
        var anchored = first.Op == RegexOp.Assert && first.A == (int)AssertionKind.Start;
        for (var start = 0; start <= input.Length; start++)
        {
            if (firstSet is not null)
            {
                while (start < input.Length && !firstSet.Contains(input[start]))
                {
                    start++;
                }

                if (start == input.Length)
                {
                    return false;
                }
            }

            if (Run(0, start))
            {
                return true;
            }

            if (anchored)
            {
                return false;
            }
        }

        return false;
    }

    // Runs from (pc, pos) to a Match instruction. On success the stack keeps what the run pushed (the caller decides);
    // on failure everything the run pushed has been undone.
    private bool Run(int pc, int pos)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var code = _program.Code;
        var input = _input;
        var baseHeight = _sp;
        while (true)
        {
            if (++_steps > _budget)
            {
                throw new RegexBudgetExceededException();
            }

            if (_memo && !Visit(pc, pos))
            {
                goto Fail;
            }

            var instruction = code[pc];
            switch (instruction.Op)
            {
                case RegexOp.Char:
                    if (pos < input.Length && _program.Sets[instruction.A].Contains(input[pos]))
                    {
                        pos++;
                        pc++;
                        continue;
                    }

                    goto Fail;
                case RegexOp.CharBack:
                    if (pos > 0 && _program.Sets[instruction.A].Contains(input[pos - 1]))
                    {
                        pos--;
                        pc++;
                        continue;
                    }

                    goto Fail;
                case RegexOp.Split:
                    Push(EntryKind.Branch, instruction.B, pos);
                    pc = instruction.A;
                    continue;
                case RegexOp.Jump:
                    pc = instruction.A;
                    continue;
                case RegexOp.Save:
                    SetCapture(instruction.A, pos);
                    pc++;
                    continue;
                case RegexOp.Assert:
                    if (AssertionHolds((AssertionKind)instruction.A, pos))
                    {
                        pc++;
                        continue;
                    }

                    goto Fail;
                case RegexOp.Look:
                    if (Look(pc, pos, negate: instruction.B == 1))
                    {
                        pc++;
                        continue;
                    }

                    goto Fail;
                case RegexOp.BackReference:
                case RegexOp.BackReferenceBack:
                    if (BackReference(instruction.A, instruction.Op == RegexOp.BackReferenceBack, ref pos))
                    {
                        pc++;
                        continue;
                    }

                    goto Fail;
                case RegexOp.LoopInit:
                    SetRegister(2 * instruction.A, 0);
                    pc++;
                    continue;
                case RegexOp.LoopHead:
                {
                    var loop = _program.Loops[instruction.A];
                    var count = _registers[2 * instruction.A];
                    if (count < loop.Min)
                    {
                        pc = loop.Body;
                    }
                    else if (count >= loop.Max)
                    {
                        pc = loop.Exit;
                    }
                    else if (loop.Greedy)
                    {
                        Push(EntryKind.Branch, loop.Exit, pos);
                        pc = loop.Body;
                    }
                    else
                    {
                        Push(EntryKind.Branch, loop.Body, pos);
                        pc = loop.Exit;
                    }

                    continue;
                }

                case RegexOp.LoopBody:
                {
                    // Each iteration starts with the captures of the atom's groups cleared (RepeatMatcher step 4).
                    var loop = _program.Loops[instruction.A];
                    SetRegister((2 * instruction.A) + 1, pos);
                    for (var g = loop.FirstGroup; g < loop.FirstGroup + loop.GroupCount; g++)
                    {
                        SetCapture(2 * g, -1);
                        SetCapture((2 * g) + 1, -1);
                    }

                    pc++;
                    continue;
                }

                case RegexOp.LoopTail:
                {
                    // An iteration beyond the minimum that matched the empty string fails (RepeatMatcher's closure d).
                    var loop = _program.Loops[instruction.A];
                    var count = _registers[2 * instruction.A];
                    if (count >= loop.Min && pos == _registers[(2 * instruction.A) + 1])
                    {
                        goto Fail;
                    }

                    SetRegister(2 * instruction.A, count + 1);
                    pc = instruction.B;
                    continue;
                }

                case RegexOp.Match:
                    return true;
            }

        Fail:
            while (true)
            {
                if (_sp == baseHeight)
                {
                    return false;
                }

                var entry = _stack[--_sp];
                if (entry.Kind == EntryKind.Branch)
                {
                    pc = entry.A;
                    pos = entry.B;
                    break;
                }

                Restore(entry);
            }
        }
    }

    // A lookaround is atomic: once its body has matched, nothing in it is tried again. A positive one keeps the
    // captures its body made (undone only if the outer match backtracks past it); a negative one keeps none.
    private bool Look(int pc, int pos, bool negate)
    {
        var height = _sp;
        var touched = _touched.Count;
        _lookDepth++;
        bool matched;
        try
        {
            matched = Run(pc + 2, pos);
        }
        finally
        {
            _lookDepth--;
        }

        if (_memo)
        {
            // States of the body seen in this run say nothing about the body run from another position.
            for (var i = touched; i < _touched.Count; i++)
            {
                _visited[_touched[i] >> 6] &= ~(1UL << (_touched[i] & 63));
            }

            _touched.RemoveRange(touched, _touched.Count - touched);
        }

        if (!matched)
        {
            return negate;
        }

        if (negate)
        {
            UnwindTo(height);
            return false;
        }

        // Drop the body's choice points, keep its undo entries.
        var kept = height;
        for (var i = height; i < _sp; i++)
        {
            if (_stack[i].Kind != EntryKind.Branch)
            {
                _stack[kept++] = _stack[i];
            }
        }

        _sp = kept;
        return true;
    }

    private bool Visit(int pc, int pos)
    {
        var index = (pc * _width) + pos;
        ref var word = ref _visited[index >> 6];
        var bit = 1UL << (index & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        if (_lookDepth > 0)
        {
            _touched.Add(index);
        }

        return true;
    }

    private bool AssertionHolds(AssertionKind kind, int pos) => kind switch
    {
        AssertionKind.Start => pos == 0,
        AssertionKind.End => pos == _input.Length,
        AssertionKind.WordBoundary => IsWordChar(pos - 1) != IsWordChar(pos),
        _ => IsWordChar(pos - 1) == IsWordChar(pos),
    };

    // Without the u flag, \b and \B look at [A-Za-z0-9_] only, with or without i.
    private bool IsWordChar(int at) => at >= 0 && at < _input.Length && (char.IsAsciiLetterOrDigit(_input[at]) || _input[at] == '_');

    // A reference to a group that has not captured matches the empty string; under i code units are compared by
    // their Canonicalize values.
    private bool BackReference(int group, bool backward, ref int pos)
    {
        var start = _captures[2 * group];
        var end = _captures[(2 * group) + 1];
        if (start < 0 || end < 0)
        {
            return true;
        }

        var length = end - start;
        var from = backward ? pos - length : pos;
        if (from < 0 || from + length > _input.Length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            var a = _input[start + i];
            var b = _input[from + i];
            if (a != b && (!_program.IgnoreCase || JsCaseFolding.Canonicalize(a) != JsCaseFolding.Canonicalize(b)))
            {
                return false;
            }
        }

        _steps += length;
        pos = backward ? from : from + length;
        return true;
    }

    private void SetCapture(int slot, int value)
    {
        if (_captures[slot] != value)
        {
            Push(EntryKind.RestoreCapture, slot, _captures[slot]);
            _captures[slot] = value;
        }
    }

    private void SetRegister(int register, int value)
    {
        Push(EntryKind.RestoreRegister, register, _registers[register]);
        _registers[register] = value;
    }

    private void Push(EntryKind kind, int a, int b)
    {
        if (_sp == _stack.Length)
        {
            Array.Resize(ref _stack, _stack.Length * 2);
        }

        _stack[_sp++] = new Entry(kind, a, b);
    }

    private void Restore(Entry entry)
    {
        if (entry.Kind == EntryKind.RestoreCapture)
        {
            _captures[entry.A] = entry.B;
        }
        else if (entry.Kind == EntryKind.RestoreRegister)
        {
            _registers[entry.A] = entry.B;
        }
    }

    private void UnwindTo(int height)
    {
        while (_sp > height)
        {
            Restore(_stack[--_sp]);
        }
    }
}

/// <summary>A search needed more steps than its budget allows; the answer is "no match" (docs/engine.md).</summary>
internal sealed class RegexBudgetExceededException : Exception;
