using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// Translates a JavaScript regex (<c>new RegExp(pattern, flags)</c> with no flag or <c>i</c>, never <c>u</c>) into a
/// .NET pattern that matches the same strings, for <c>$regex</c>/<c>$regexi</c> (ENGINE-NOTES §2.1, §2.13).
/// </summary>
/// <remarks>
/// <para>
/// Neither .NET's default syntax nor <c>RegexOptions.ECMAScript</c> is JavaScript's: <c>.</c> also matches
/// <c>\r</c> and U+2028, <c>$</c> also matches before a final <c>\n</c>, <c>\s</c> misses U+00A0 and U+FEFF (ECMAScript
/// mode) or adds U+0085 (default mode), <c>\w</c>/<c>\b</c> take in <c>İ</c> and <c>ı</c>, <c>IgnoreCase</c> folds the
/// Kelvin sign into <c>k</c> but not <c>ς</c> into <c>σ</c>, and the legacy syntax JavaScript accepts (ECMA-262
/// Annex B: <c>\a</c> is "a", <c>\Z</c> is "Z", <c>]</c> and <c>{</c> are literals, <c>[]</c> matches nothing,
/// <c>\8</c>, octal escapes, <c>\c</c> without a letter) means something else, or nothing, in .NET.
/// </para>
/// <para>
/// So the pattern is parsed with JavaScript's grammar (Annex B included) and written back out with only
/// constructs whose .NET meaning is fixed: every class as explicit code-unit ranges (case-closed under
/// <see cref="JsCaseFolding"/> for <c>i</c>, so no <c>RegexOptions.IgnoreCase</c>), <c>$</c> as <c>\z</c>,
/// <c>\b</c> as ASCII look-arounds, named groups as plain numbered groups (JS numbers them in order, .NET
/// last), and back-references as <c>(?(n)\n|)</c>, since JS matches a reference to a group that has not
/// captured as empty. A pattern JavaScript rejects is rejected here too (<see cref="TryTranslate"/> returns null).
/// </para>
/// <para>
/// Not replicated: a case-insensitive back-reference compares with .NET's invariant case folding rather than
/// Canonicalize, and captures inside a repeated group are not reset between iterations as JS resets them.
/// </para>
/// </remarks>
internal sealed class JsRegexTranslator
{
    private static readonly CodeUnitSet Digits = CodeUnitSet.Of(('0', '9'));
    private static readonly CodeUnitSet WordChars = CodeUnitSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z'));

    // WhiteSpace and LineTerminator: TAB VT FF SP NBSP ZWNBSP, the other Zs, LF CR LS PS.
    private static readonly CodeUnitSet Spaces = CodeUnitSet.Of(
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF));

    private static readonly CodeUnitSet LineTerminators = CodeUnitSet.Of((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029));

    private const string WordBoundary = "(?:(?<=[0-9A-Z_a-z])(?![0-9A-Z_a-z])|(?<![0-9A-Z_a-z])(?=[0-9A-Z_a-z]))";
    private const string NotWordBoundary = "(?:(?<=[0-9A-Z_a-z])(?=[0-9A-Z_a-z])|(?<![0-9A-Z_a-z])(?![0-9A-Z_a-z]))";

    private readonly string _p;
    private readonly bool _ignoreCase;
    private StringBuilder _out = new();
    private readonly int _groupCount;
    private readonly Dictionary<string, int> _groupNames;
    private int _pos;
    private int _groupsOpened;

    private JsRegexTranslator(string pattern, bool ignoreCase)
    {
        _p = pattern;
        _ignoreCase = ignoreCase;
        (_groupCount, _groupNames) = ScanGroups(pattern);
    }

    /// <summary>The .NET pattern, or null when JavaScript would throw a SyntaxError for this pattern.</summary>
    public static string? TryTranslate(string pattern, bool ignoreCase)
    {
        try
        {
            var translator = new JsRegexTranslator(pattern, ignoreCase);
            translator.Disjunction();
            if (translator._pos < pattern.Length)
            {
                return null; // an unmatched ')'
            }

            return translator._out.ToString();
        }
        catch (SyntaxError)
        {
            return null;
        }
    }

    private sealed class SyntaxError : Exception;

    private bool HasNamedGroups => _groupNames.Count > 0;

    private bool AtEnd => _pos >= _p.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _p.Length ? _p[_pos + ahead] : '\0';

    private bool LookingAt(string s) => string.CompareOrdinal(_p, _pos, s, 0, s.Length) == 0;

    // Counts the capturing groups and collects group names before parsing, as JS does: a back-reference may
    // point forward, and whether "\k" is an escape depends on the pattern having any named group.
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
                    i++;
                    if (i < p.Length && p[i] == '^')
                    {
                        i++;
                    }

                    while (i < p.Length && p[i] != ']')
                    {
                        if (p[i] == '\\')
                        {
                            i++;
                        }

                        i++;
                    }

                    break;
                case '(':
                    if (i + 1 < p.Length && p[i + 1] == '?')
                    {
                        if (i + 3 < p.Length && p[i + 2] == '<' && p[i + 3] is not ('=' or '!'))
                        {
                            count++;
                            var close = p.IndexOf('>', i + 3);
                            if (close > 0)
                            {
                                var name = p[(i + 3)..close];
                                if (!names.TryAdd(name, count))
                                {
                                    throw new SyntaxError(); // duplicate group name
                                }
                            }
                        }
                    }
                    else
                    {
                        count++;
                    }

                    break;
            }
        }

        return (count, names);
    }

    private void Disjunction()
    {
        Alternative();
        while (!AtEnd && Peek() == '|')
        {
            _pos++;
            _out.Append('|');
            Alternative();
        }
    }

    private void Alternative()
    {
        while (!AtEnd && Peek() is not ('|' or ')'))
        {
            Term();
        }
    }

    private void Term()
    {
        var c = Peek();
        switch (c)
        {
            case '^':
                _pos++;
                _out.Append('^'); // without RegexOptions.Multiline: the start of the input only
                NoQuantifier();
                return;
            case '$':
                _pos++;
                _out.Append("\\z"); // JS `$` (no m flag) is the end of input, never "before a final \n"
                NoQuantifier();
                return;
            case '\\' when Peek(1) == 'b':
                _pos += 2;
                _out.Append(WordBoundary);
                NoQuantifier();
                return;
            case '\\' when Peek(1) == 'B':
                _pos += 2;
                _out.Append(NotWordBoundary);
                NoQuantifier();
                return;
            case '(':
                Group();
                return;
            case '*' or '+' or '?':
                throw new SyntaxError(); // nothing to repeat
            case '{' when BracedQuantifierLength() > 0:
                throw new SyntaxError(); // InvalidBracedQuantifier
        }

        Quantified(Capture(Atom));
    }

    private void Group()
    {
        _pos++; // (
        string open;
        var quantifiable = true;
        if (Peek() != '?')
        {
            _groupsOpened++;
            open = "(";
        }
        else if (LookingAt("?:"))
        {
            _pos += 2;
            open = "(?:";
        }
        else if (LookingAt("?=") || LookingAt("?!"))
        {
            open = "(" + _p.Substring(_pos, 2);
            _pos += 2;
        }
        else if (LookingAt("?<=") || LookingAt("?<!"))
        {
            open = "(" + _p.Substring(_pos, 3);
            _pos += 3;
            quantifiable = false;
        }
        else if (LookingAt("?<"))
        {
            var close = _p.IndexOf('>', _pos + 2);
            if (close < 0 || !IsGroupName(_p[(_pos + 2)..close]))
            {
                throw new SyntaxError();
            }

            _pos = close + 1;
            _groupsOpened++;
            open = "("; // numbered like any group: .NET would number named groups after the unnamed ones
        }
        else
        {
            throw new SyntaxError(); // (?i), (?#…), (?>…) and other .NET-only groups
        }

        var body = Capture(Disjunction);
        if (Peek() != ')')
        {
            throw new SyntaxError();
        }

        _pos++;
        var group = open + body + ")";
        if (quantifiable)
        {
            Quantified(open.StartsWith("(?", StringComparison.Ordinal) && open != "(?:" ? "(?:" + group + ")" : group);
        }
        else
        {
            _out.Append(group);
            NoQuantifier();
        }
    }

    // Runs a parse step with its output collected separately, so a quantifier can be put after it.
    private string Capture(Action parse)
    {
        var outer = _out;
        _out = new StringBuilder();
        try
        {
            parse();
            return _out.ToString();
        }
        finally
        {
            _out = outer;
        }
    }

    private static bool IsGroupName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is '$' or '_' || char.IsLetter(c) || char.IsSurrogate(c)
                || (i > 0 && (char.IsDigit(c) || c is '\u200C' or '\u200D'
                    || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // An assertion that may not take a quantifier (^ $ \b \B and lookbehinds): one following is an error.
    private void NoQuantifier()
    {
        if (!AtEnd && (Peek() is '*' or '+' or '?' || (Peek() == '{' && BracedQuantifierLength() > 0)))
        {
            throw new SyntaxError();
        }
    }

    private void Quantified(string atom)
    {
        string? quantifier = null;
        switch (Peek())
        {
            case '*' or '+' or '?' when !AtEnd:
                quantifier = Peek().ToString();
                _pos++;
                break;
            case '{':
                var length = BracedQuantifierLength();
                if (length > 0)
                {
                    quantifier = BracedQuantifier(_p.Substring(_pos, length));
                    _pos += length;
                }

                break;
        }

        if (quantifier is null)
        {
            _out.Append(atom);
            return;
        }

        if (Peek() == '?' && !AtEnd)
        {
            quantifier += "?";
            _pos++;
        }

        _out.Append(atom).Append(quantifier);
        NoQuantifier(); // "a**", "a{1}{2}", "a???"
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

    private static string BracedQuantifier(string text)
    {
        var inner = text[1..^1];
        var comma = inner.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return "{" + Bound(inner) + "}";
        }

        var min = inner[..comma];
        var max = inner[(comma + 1)..];
        if (max.Length == 0)
        {
            return "{" + Bound(min) + ",}";
        }

        if (double.Parse(min, CultureInfo.InvariantCulture) > double.Parse(max, CultureInfo.InvariantCulture))
        {
            throw new SyntaxError(); // numbers out of order
        }

        return "{" + Bound(min) + "," + Bound(max) + "}";
    }

    // .NET caps repetition counts at int.MaxValue; beyond that no input is long enough to tell the difference.
    private static string Bound(string digits)
        => double.Parse(digits, CultureInfo.InvariantCulture) > int.MaxValue
            ? int.MaxValue.ToString(CultureInfo.InvariantCulture)
            : int.Parse(digits, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    private void Atom()
    {
        var c = Peek();
        switch (c)
        {
            case '.':
                _pos++;
                EmitSet(LineTerminators.Complement(), negate: false, fold: false);
                return;
            case '[':
                Class();
                return;
            case '\\':
                AtomEscape();
                return;
            case ')':
            case '|':
                throw new SyntaxError();
            default:
                _pos++;
                EmitChar(c);
                return;
        }
    }

    private void AtomEscape()
    {
        _pos++; // backslash
        if (AtEnd)
        {
            throw new SyntaxError(); // \ at end of pattern
        }

        var c = Peek();
        if (c is >= '1' and <= '9')
        {
            var start = _pos;
            while (!AtEnd && char.IsAsciiDigit(Peek()))
            {
                _pos++;
            }

            var number = double.Parse(_p[start.._pos], CultureInfo.InvariantCulture);
            if (number <= _groupCount)
            {
                BackReference((int)number);
                return;
            }

            // Annex B: not a group number, so a legacy octal escape, or \8 and \9 as themselves.
            _pos = start;
            if (c is '8' or '9')
            {
                _pos++;
                EmitChar(c);
                return;
            }

            EmitChar(LegacyOctal());
            return;
        }

        if (c == 'k' && HasNamedGroups)
        {
            _pos++;
            if (Peek() != '<')
            {
                throw new SyntaxError();
            }

            var close = _p.IndexOf('>', _pos);
            if (close < 0 || !_groupNames.TryGetValue(_p[(_pos + 1)..close], out var group))
            {
                throw new SyntaxError();
            }

            _pos = close + 1;
            BackReference(group);
            return;
        }

        if (c == 'c' && !char.IsAsciiLetter(Peek(1)))
        {
            EmitChar('\\'); // Annex B: "\c" without a control letter is a backslash, and the "c" comes next
            return;
        }

        if (ClassEscape(c) is { } set)
        {
            _pos++;
            EmitSet(set, negate: false, fold: true);
            return;
        }

        EmitChar(CharacterEscape(inClass: false));
    }

    // JS: a reference to a group that has not captured (yet, or in this match) matches the empty string.
    private void BackReference(int group)
    {
        var n = group.ToString(CultureInfo.InvariantCulture);
        var reference = _ignoreCase ? "(?i:\\" + n + ")" : "\\" + n;
        _out.Append("(?:(?(").Append(n).Append(')').Append(reference).Append("|))");
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
                if (char.IsAsciiLetter(letter) || (inClass && (char.IsAsciiDigit(letter) || letter == '_')))
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
                throw new SyntaxError();
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

        var text = _p.AsSpan(_pos, digits);
        foreach (var d in text)
        {
            if (!char.IsAsciiHexDigit(d))
            {
                return null;
            }
        }

        _pos += digits;
        return int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
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

    private void Class()
    {
        _pos++; // [
        var negate = false;
        if (Peek() == '^')
        {
            negate = true;
            _pos++;
        }

        var set = new CodeUnitSet();
        while (true)
        {
            if (AtEnd)
            {
                throw new SyntaxError(); // unterminated class
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
                    throw new SyntaxError(); // range out of order
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

        EmitSet(set, negate, fold: true);
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
            throw new SyntaxError();
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

    private void EmitChar(char c)
    {
        _out.Append(_ignoreCase ? JsCaseFolding.EquivalentsOf(c).ToNetAtom() : CodeUnitSet.Escape(c));
    }

    // A class matches a code unit when some member has the same canonical value (under i), then `negate` flips it.
    private void EmitSet(CodeUnitSet set, bool negate, bool fold)
    {
        var matched = _ignoreCase && fold ? JsCaseFolding.Close(set) : set;
        var atom = (negate ? matched.Complement() : matched).ToNetAtom();
        _out.Append(atom == "(?!)" ? "(?:(?!))" : atom);
    }
}
