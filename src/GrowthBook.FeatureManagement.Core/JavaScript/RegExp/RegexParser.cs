using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using GrowthBook.FeatureManagement.JavaScript.Unicode;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// Parses <c>new RegExp(pattern, flags)</c> with no flag or <c>i</c>, never <c>u</c>, with JavaScript's grammar as
/// V8 accepts it: ECMA-262's Pattern with Annex B (legacy octal escapes, <c>\a</c> is "a", <c>]</c> and <c>{</c> as
/// literals, <c>\c</c> without a letter, quantified lookaheads) and named groups, whose names may be written with
/// <c>\u</c> escapes. A pattern JavaScript rejects throws <see cref="RegexSyntaxException"/>.
/// </summary>
/// <remarks>
/// Classes are built as code-unit sets and, under <c>i</c>, closed under Canonicalize (<see cref="JsCaseFolding"/>),
/// so matching compares code units only. Group numbers follow the opening parentheses, named or not.
/// </remarks>
internal sealed class RegexParser
{
    /// <summary>V8 rejects a pattern with this many capturing groups ("Too many captures").</summary>
    public const int MaxCaptures = 32768;

    // Shared by every parse, on any thread: sealed, so reading them changes nothing.
    private static readonly CodeUnitSet Digits = CodeUnitSet.Of(('0', '9')).Sealed();
    private static readonly CodeUnitSet WordChars = CodeUnitSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')).Sealed();

    // WhiteSpace and LineTerminator: TAB VT FF SP NBSP ZWNBSP, the other Zs, LF CR LS PS.
    private static readonly CodeUnitSet Spaces = CodeUnitSet.Of(
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF)).Sealed();

    private static readonly CodeUnitSet LineTerminators = CodeUnitSet.Of((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)).Sealed();

    private readonly string _p;
    private readonly bool _ignoreCase;
    private readonly Dictionary<string, int> _groupNames;
    private int _pos;
    private int _groupsOpened;

    private RegexParser(string pattern, bool ignoreCase, int groupCount, Dictionary<string, int> groupNames)
    {
        _p = pattern;
        _ignoreCase = ignoreCase;
        GroupCount = groupCount;
        _groupNames = groupNames;
    }

    /// <summary>The number of capturing groups.</summary>
    public int GroupCount { get; }

    /// <summary>Parses a pattern; throws <see cref="RegexSyntaxException"/> where JavaScript throws a SyntaxError.</summary>
    /// <exception cref="InsufficientExecutionStackException">The pattern nests deeper than this thread's stack allows.</exception>
    public static (RegexNode Root, int GroupCount) Parse(string pattern, bool ignoreCase)
    {
        var (count, names) = ScanGroups(pattern);
        var parser = new RegexParser(pattern, ignoreCase, count, names);
        var root = parser.Disjunction();
        if (parser._pos < pattern.Length)
        {
            throw new RegexSyntaxException(); // an unmatched ')'
        }

        return (root, count);
    }

    private bool HasNamedGroups => _groupNames.Count > 0;

    private bool AtEnd => _pos >= _p.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _p.Length ? _p[_pos + ahead] : '\0';

    private bool LookingAt(string s) => string.CompareOrdinal(_p, _pos, s, 0, s.Length) == 0;

    // Counts the capturing groups and collects group names before parsing, as JS does: a back-reference may point
    // forward, and whether "\k" is an escape depends on the pattern having any named group.
    private static (int Count, Dictionary<string, int> Names) ScanGroups(string p)
    {
        var count = 0;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(p, i);
                    break;
                case '(' when i + 1 < p.Length && p[i + 1] == '?':
                    if (i + 3 < p.Length && p[i + 2] == '<' && p[i + 3] is not ('=' or '!'))
                    {
                        count++;
                        var end = i + 3;
                        var name = ReadGroupName(p, ref end);
                        if (name is null || !names.TryAdd(name, count))
                        {
                            throw new RegexSyntaxException(); // an invalid or duplicate group name
                        }
                    }

                    break;
                case '(':
                    count++;
                    break;
            }
        }

        if (count >= MaxCaptures)
        {
            throw new RegexSyntaxException();
        }

        return (count, names);
    }

    // The index of the ']' that closes the class opened at `open` (or the end of the pattern).
    private static int SkipClass(string p, int open)
    {
        var i = open + 1;
        while (i < p.Length && p[i] != ']')
        {
            i += p[i] == '\\' ? 2 : 1;
        }

        return i;
    }

    // A GroupName after "<": RegExpIdentifierName then ">". Characters may be written as \uXXXX (a surrogate pair as
    // two escapes) or \u{…}; a raw surrogate pair is one code point. Null when it is not a valid name.
    private static string? ReadGroupName(string p, ref int i)
    {
        var name = new StringBuilder();
        while (i < p.Length && p[i] != '>')
        {
            int cp;
            if (p[i] == '\\')
            {
                if (i + 1 >= p.Length || p[i + 1] != 'u' || ReadUnicodeEscape(p, i + 2, out var next) is not { } escaped)
                {
                    return null;
                }

                cp = escaped;
                i = next;
            }
            else if (char.IsHighSurrogate(p[i]) && i + 1 < p.Length && char.IsLowSurrogate(p[i + 1]))
            {
                cp = char.ConvertToUtf32(p[i], p[i + 1]);
                i += 2;
            }
            else
            {
                cp = p[i++];
            }

            var identifiers = IdentifierTables.Value;
            var valid = name.Length == 0
                ? cp is '$' or '_' || identifiers.IdStart.Contains(cp)
                : cp is '$' or '\u200C' or '\u200D' || identifiers.IdContinue.Contains(cp);
            if (!valid || cp is >= 0xD800 and <= 0xDFFF)
            {
                return null;
            }

            name.Append(char.ConvertFromUtf32(cp));
        }

        if (i >= p.Length || name.Length == 0)
        {
            return null;
        }

        i++; // '>'
        return name.ToString();
    }

    // RegExpUnicodeEscapeSequence[+UnicodeMode] after "\u": XXXX (a lead surrogate may pair with a following \uXXXX
    // trail) or {X…} up to 10FFFF.
    private static int? ReadUnicodeEscape(string p, int i, out int next)
    {
        next = i;
        if (i < p.Length && p[i] == '{')
        {
            var close = p.IndexOf('}', i);
            if (close <= i + 1)
            {
                return null;
            }

            long value = 0;
            for (var j = i + 1; j < close; j++)
            {
                var d = HexDigit(p[j]);
                if (d < 0 || (value = (value * 16) + d) > 0x10FFFF)
                {
                    return null;
                }
            }

            next = close + 1;
            return (int)value;
        }

        if (Hex4(p, i) is not { } unit)
        {
            return null;
        }

        next = i + 4;
        if (char.IsHighSurrogate((char)unit) && next + 1 < p.Length && p[next] == '\\' && p[next + 1] == 'u'
            && Hex4(p, next + 2) is { } trail && char.IsLowSurrogate((char)trail))
        {
            next += 6;
            return char.ConvertToUtf32((char)unit, (char)trail);
        }

        return unit;
    }

    private static int? Hex4(string p, int i)
    {
        if (i + 4 > p.Length)
        {
            return null;
        }

        var value = 0;
        for (var j = i; j < i + 4; j++)
        {
            var d = HexDigit(p[j]);
            if (d < 0)
            {
                return null;
            }

            value = (value * 16) + d;
        }

        return value;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private RegexNode Disjunction()
    {
        // Deeply nested groups recurse; the caller retries on a larger stack (JsRegex).
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var first = Alternative();
        if (AtEnd || Peek() != '|')
        {
            return first;
        }

        var alternatives = new List<RegexNode> { first };
        while (!AtEnd && Peek() == '|')
        {
            _pos++;
            alternatives.Add(Alternative());
        }

        return new AlternationNode([.. alternatives]);
    }

    private RegexNode Alternative()
    {
        var terms = new List<RegexNode>();
        while (!AtEnd && Peek() is not ('|' or ')'))
        {
            terms.Add(Term());
        }

        return terms.Count == 1 ? terms[0] : new SequenceNode([.. terms]);
    }

    private RegexNode Term()
    {
        switch (Peek())
        {
            case '^':
                _pos++;
                return NoQuantifier(new AssertionNode(AssertionKind.Start));
            case '$':
                _pos++;
                return NoQuantifier(new AssertionNode(AssertionKind.End));
            case '\\' when Peek(1) == 'b':
                _pos += 2;
                return NoQuantifier(new AssertionNode(AssertionKind.WordBoundary));
            case '\\' when Peek(1) == 'B':
                _pos += 2;
                return NoQuantifier(new AssertionNode(AssertionKind.NotWordBoundary));
            case '(':
                return Group();
            case '*' or '+' or '?':
                throw new RegexSyntaxException(); // nothing to repeat
            case '{' when BracedQuantifierLength() > 0:
                throw new RegexSyntaxException(); // InvalidBracedQuantifier
        }

        var groupsBefore = _groupsOpened;
        return Quantified(Atom(), groupsBefore);
    }

    private RegexNode Group()
    {
        _pos++; // (
        var groupsBefore = _groupsOpened;
        bool? lookBehind = null;
        var negate = false;
        var capture = 0;
        if (Peek() != '?')
        {
            capture = ++_groupsOpened;
        }
        else if (LookingAt("?:"))
        {
            _pos += 2;
        }
        else if (LookingAt("?=") || LookingAt("?!"))
        {
            lookBehind = false;
            negate = Peek(1) == '!';
            _pos += 2;
        }
        else if (LookingAt("?<=") || LookingAt("?<!"))
        {
            lookBehind = true;
            negate = Peek(2) == '!';
            _pos += 3;
        }
        else if (LookingAt("?<"))
        {
            _pos += 2;
            if (ReadGroupName(_p, ref _pos) is null)
            {
                throw new RegexSyntaxException();
            }

            capture = ++_groupsOpened;
        }
        else
        {
            throw new RegexSyntaxException(); // (?i), (?#…), (?>…) and other groups JavaScript does not have
        }

        var body = Disjunction();
        if (Peek() != ')' || AtEnd)
        {
            throw new RegexSyntaxException();
        }

        _pos++;
        if (lookBehind is { } behind)
        {
            var look = new LookaroundNode(behind, negate, body);

            // Annex B: a lookahead may take a quantifier, a lookbehind may not.
            return behind ? NoQuantifier(look) : Quantified(look, groupsBefore);
        }

        return Quantified(capture > 0 ? new GroupNode(capture, body) : body, groupsBefore);
    }

    // An assertion that may not take a quantifier (^ $ \b \B and lookbehinds): one following is an error.
    private RegexNode NoQuantifier(RegexNode node)
    {
        if (!AtEnd && (Peek() is '*' or '+' or '?' || (Peek() == '{' && BracedQuantifierLength() > 0)))
        {
            throw new RegexSyntaxException();
        }

        return node;
    }

    private RegexNode Quantified(RegexNode atom, int groupsBefore)
    {
        int min, max;
        switch (Peek())
        {
            case '*' when !AtEnd:
                (min, max) = (0, int.MaxValue);
                _pos++;
                break;
            case '+' when !AtEnd:
                (min, max) = (1, int.MaxValue);
                _pos++;
                break;
            case '?' when !AtEnd:
                (min, max) = (0, 1);
                _pos++;
                break;
            case '{' when BracedQuantifierLength() is > 0 and var length:
                (min, max) = BracedQuantifier(_p.Substring(_pos, length));
                _pos += length;
                break;
            default:
                return atom;
        }

        var greedy = true;
        if (!AtEnd && Peek() == '?')
        {
            greedy = false;
            _pos++;
        }

        NoQuantifier(atom); // "a**", "a{1}{2}", "a???"
        return new QuantifierNode(atom, min, max, greedy, groupsBefore + 1, _groupsOpened - groupsBefore);
    }

    // The length of "{n}", "{n,}" or "{n,m}" at the current position, or 0 if there is none (then "{" is a literal).
    private int BracedQuantifierLength()
    {
        var i = _pos + 1;
        var start = i;
        while (i < _p.Length && char.IsAsciiDigit(_p[i]))
        {
            i++;
        }

        if (i == start || i >= _p.Length)
        {
            return 0;
        }

        if (_p[i] == '}')
        {
            return i + 1 - _pos;
        }

        if (_p[i] != ',')
        {
            return 0;
        }

        i++;
        while (i < _p.Length && char.IsAsciiDigit(_p[i]))
        {
            i++;
        }

        return i < _p.Length && _p[i] == '}' ? i + 1 - _pos : 0;
    }

    // V8 clamps counts to int.MaxValue (its "infinity") before comparing them.
    private static (int Min, int Max) BracedQuantifier(string text)
    {
        var inner = text[1..^1];
        var comma = inner.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            var n = Count(inner);
            return (n, n);
        }

        var min = Count(inner[..comma]);
        var max = comma == inner.Length - 1 ? int.MaxValue : Count(inner[(comma + 1)..]);
        return min > max ? throw new RegexSyntaxException() : (min, max);
    }

    private static int Count(string digits)
        => double.Parse(digits, CultureInfo.InvariantCulture) is var value && value >= int.MaxValue ? int.MaxValue : (int)value;

    private RegexNode Atom()
    {
        var c = Peek();
        switch (c)
        {
            case '.':
                _pos++;
                return new CharNode(LineTerminators.Complement());
            case '[':
                return Class();
            case '\\':
                return AtomEscape();
            case ')' or '|':
                throw new RegexSyntaxException();
            default:
                _pos++;
                return Char(c);
        }
    }

    private RegexNode AtomEscape()
    {
        _pos++; // backslash
        if (AtEnd)
        {
            throw new RegexSyntaxException(); // \ at end of pattern
        }

        var c = Peek();
        if (c is >= '1' and <= '9')
        {
            var start = _pos;
            while (!AtEnd && char.IsAsciiDigit(Peek()))
            {
                _pos++;
            }

            if (double.Parse(_p.AsSpan(start, _pos - start), CultureInfo.InvariantCulture) is var number && number <= GroupCount)
            {
                return new BackReferenceNode((int)number);
            }

            // Annex B: not a group number, so a legacy octal escape, or \8 and \9 as themselves.
            _pos = start;
            if (c is '8' or '9')
            {
                _pos++;
                return Char(c);
            }

            return Char(LegacyOctal());
        }

        if (c == 'k' && HasNamedGroups)
        {
            _pos++;
            if (Peek() != '<')
            {
                throw new RegexSyntaxException();
            }

            _pos++;
            var name = ReadGroupName(_p, ref _pos);
            if (name is null || !_groupNames.TryGetValue(name, out var group))
            {
                throw new RegexSyntaxException();
            }

            return new BackReferenceNode(group);
        }

        if (c == 'c' && !char.IsAsciiLetter(Peek(1)))
        {
            return Char('\\'); // Annex B: "\c" without a control letter is a backslash, and the "c" comes next
        }

        if (ClassEscape(c) is { } set)
        {
            _pos++;
            return Set(set);
        }

        return Char(CharacterEscape(inClass: false));
    }

    private static CodeUnitSet? ClassEscape(char c) => c switch
    {
        'd' => Digits,
        'D' => Digits.Complement(),
        's' => Spaces,
        'S' => Spaces.Complement(),
        'w' => WordChars,
        'W' => WordChars.Complement(),
        _ => null,
    };

    // A CharacterEscape after the backslash (control, \0, octal, \x, \u, \c with a letter, identity).
    private char CharacterEscape(bool inClass)
    {
        var c = Peek();
        _pos++;
        switch (c)
        {
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'v': return '\v';
            case 'c':
                var letter = Peek();
                if (!AtEnd && (char.IsAsciiLetter(letter) || (inClass && (char.IsAsciiDigit(letter) || letter == '_'))))
                {
                    _pos++;
                    return (char)(letter % 32);
                }

                // Only reached inside a class (the atom case is handled before): "\" and then "c".
                _pos--;
                return '\\';
            case 'x':
                return Hex(2) is { } x ? (char)x : 'x';
            case 'u':
                return Hex(4) is { } u ? (char)u : 'u';
            case >= '0' and <= '7':
                _pos--;
                return LegacyOctal();
            case 'k' when HasNamedGroups:
                throw new RegexSyntaxException();
            default:
                return c; // identity escape: any other character stands for itself
        }
    }

    private int? Hex(int digits)
    {
        if (_pos + digits > _p.Length)
        {
            return null;
        }

        var value = 0;
        for (var i = _pos; i < _pos + digits; i++)
        {
            var d = HexDigit(_p[i]);
            if (d < 0)
            {
                return null;
            }

            value = (value * 16) + d;
        }

        _pos += digits;
        return value;
    }

    // LegacyOctalEscapeSequence: up to three octal digits, at most \377; "\0" alone is NUL.
    private char LegacyOctal()
    {
        var first = Peek() - '0';
        _pos++;
        var value = first;
        if (IsOctal(Peek()))
        {
            value = (value * 8) + (Peek() - '0');
            _pos++;
            if (first <= 3 && IsOctal(Peek()))
            {
                value = (value * 8) + (Peek() - '0');
                _pos++;
            }
        }

        return (char)value;
    }

    private bool IsOctal(char c) => !AtEnd && c is >= '0' and <= '7';

    private RegexNode Class()
    {
        _pos++; // [
        var negate = false;
        if (Peek() == '^' && !AtEnd)
        {
            negate = true;
            _pos++;
        }

        var set = new CodeUnitSet();
        while (true)
        {
            if (AtEnd)
            {
                throw new RegexSyntaxException(); // unterminated class
            }

            if (Peek() == ']')
            {
                _pos++;
                break;
            }

            var (first, firstSet) = ClassAtom();
            if (Peek() == '-' && _pos + 1 < _p.Length && _p[_pos + 1] != ']')
            {
                _pos++;
                var (second, secondSet) = ClassAtom();
                if (firstSet is not null || secondSet is not null)
                {
                    // Annex B: a range with a class escape at either end is just its parts and a "-".
                    AddAtom(set, first, firstSet);
                    set.Add('-');
                    AddAtom(set, second, secondSet);
                }
                else if (first > second)
                {
                    throw new RegexSyntaxException(); // range out of order
                }
                else
                {
                    set.Add(first, second);
                }
            }
            else
            {
                AddAtom(set, first, firstSet);
            }
        }

        // A class matches a code unit when some member has the same canonical value (under i); then `negate` flips it.
        var matched = _ignoreCase ? JsCaseFolding.Close(set) : set;
        return new CharNode(negate ? matched.Complement() : matched);
    }

    private static void AddAtom(CodeUnitSet set, char c, CodeUnitSet? atomSet)
    {
        if (atomSet is not null)
        {
            set.Add(atomSet);
        }
        else
        {
            set.Add(c);
        }
    }

    private (char Char, CodeUnitSet? Set) ClassAtom()
    {
        var c = Peek();
        _pos++;
        if (c != '\\')
        {
            return (c, null);
        }

        if (AtEnd)
        {
            throw new RegexSyntaxException();
        }

        var e = Peek();
        if (e == 'b')
        {
            _pos++;
            return ('\b', null);
        }

        if (ClassEscape(e) is { } set)
        {
            _pos++;
            return ('\0', set);
        }

        if (e is '8' or '9')
        {
            _pos++;
            return (e, null);
        }

        return (CharacterEscape(inClass: true), null);
    }

    private CharNode Char(char c) => new(_ignoreCase ? JsCaseFolding.EquivalentsOf(c) : CodeUnitSet.Of((c, c)));

    private CharNode Set(CodeUnitSet set) => new(_ignoreCase ? JsCaseFolding.Close(set) : set);
}

/// <summary>The pattern is one JavaScript's <c>RegExp</c> constructor rejects with a SyntaxError.</summary>
internal sealed class RegexSyntaxException : Exception;
