using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>
/// The URL Standard's basic URL parser as node 20 runs it (its parser is Ada 2.9): a state machine over the input's
/// code points, one method per state, named as the standard names them (docs/engine.md, "URLs"). Where Ada departs
/// from the standard and the difference can be seen, node's answer is the one given.
/// </summary>
internal sealed partial class UrlParser
{
    private const int Eof = -1;

    private readonly WhatwgUrl _url = new();
    private readonly WhatwgUrl? _base;
    private readonly int[] _cps;
    private readonly StringBuilder _buffer = new();
    private readonly StringBuilder _opaquePath = new();
    private readonly StringBuilder _fragment = new();
    private State _state = State.SchemeStart;
    private int _pointer;
    private int _bufferCodePoints;
    private bool _atSignSeen;
    private bool _insideBrackets;
    private bool _passwordTokenSeen;

    private UrlParser(int[] cps, WhatwgUrl? baseUrl)
    {
        _cps = cps;
        _base = baseUrl;
    }

    private enum State
    {
        SchemeStart,
        Scheme,
        NoScheme,
        SpecialRelativeOrAuthority,
        PathOrAuthority,
        Relative,
        RelativeSlash,
        SpecialAuthoritySlashes,
        SpecialAuthorityIgnoreSlashes,
        Authority,
        Host,
        Port,
        File,
        FileSlash,
        FileHost,
        PathStart,
        Path,
        OpaquePath,
        Query,
        Fragment,
    }

    /// <summary><c>new URL(input, base)</c>; null where JS throws.</summary>
    public static WhatwgUrl? Parse(string input, WhatwgUrl? baseUrl)
    {
        var parser = new UrlParser(ToCodePoints(input), baseUrl);
        return parser.Run() ? parser._url : null;
    }

    private bool Run()
    {
        while (true)
        {
            var c = _pointer >= 0 && _pointer < _cps.Length ? _cps[_pointer] : Eof;
            var ok = _state switch
            {
                State.SchemeStart => SchemeStartState(c),
                State.Scheme => SchemeState(c),
                State.NoScheme => NoSchemeState(c),
                State.SpecialRelativeOrAuthority => SpecialRelativeOrAuthorityState(c),
                State.PathOrAuthority => PathOrAuthorityState(c),
                State.Relative => RelativeState(c),
                State.RelativeSlash => RelativeSlashState(c),
                State.SpecialAuthoritySlashes => SpecialAuthoritySlashesState(c),
                State.SpecialAuthorityIgnoreSlashes => SpecialAuthorityIgnoreSlashesState(c),
                State.Authority => AuthorityState(c),
                State.Host => HostState(c),
                State.Port => PortState(c),
                State.File => FileState(c),
                State.FileSlash => FileSlashState(c),
                State.FileHost => FileHostState(c),
                State.PathStart => PathStartState(c),
                State.Path => PathState(c),
                State.OpaquePath => OpaquePathState(c),
                State.Query => QueryState(c),
                _ => FragmentState(c),
            };
            if (!ok)
            {
                return false;
            }

            if (_pointer >= _cps.Length)
            {
                return true;
            }

            _pointer++;
        }
    }

    // The code point k after the current one, or Eof.
    private int Remaining(int k) => _pointer + k < _cps.Length ? _cps[_pointer + k] : Eof;

    // The input as code points (USVString: lone surrogates become U+FFFD), without leading and trailing C0 controls
    // and spaces, and without any tab or newline.
    private static int[] ToCodePoints(string input)
    {
        var start = 0;
        var end = input.Length;
        while (start < end && input[start] <= ' ')
        {
            start++;
        }

        while (end > start && input[end - 1] <= ' ')
        {
            end--;
        }

        var result = new List<int>(end - start);
        for (var i = start; i < end; i++)
        {
            var c = input[i];
            if (c is '\t' or '\n' or '\r')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(input[i + 1]))
            {
                result.Add(char.ConvertToUtf32(c, input[i + 1]));
                i++;
            }
            else
            {
                result.Add(char.IsSurrogate(c) ? 0xFFFD : c);
            }
        }

        return [.. result];
    }

    private static bool IsAsciiAlpha(int c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsAsciiDigit(int c) => c is >= '0' and <= '9';
}
