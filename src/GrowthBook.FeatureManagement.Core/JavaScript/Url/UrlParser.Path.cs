using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The path start, path, opaque path, query and fragment states.</summary>
internal sealed partial class UrlParser
{
    // The URL Standard's path start state.
    private bool PathStartState(int c)
    {
        if (_url.IsSpecial)
        {
            _state = State.Path;
            if (c is not '/' and not '\\')
            {
                _pointer--;
            }
        }
        else if (c == '?')
        {
            _url.Query = "";
            _state = State.Query;
        }
        else if (c == '#')
        {
            _url.Fragment = "";
            _state = State.Fragment;
        }
        else if (c != Eof)
        {
            _state = State.Path;
            if (c != '/')
            {
                _pointer--;
            }
        }

        return true;
    }

    // The URL Standard's path state.
    private bool PathState(int c)
    {
        if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            var segment = _buffer.ToString();
            var slash = c == '/' || (_url.IsSpecial && c == '\\');
            if (IsDoubleDot(segment))
            {
                // Node 20's parser (Ada 2.9) leaves a non-special URL's path empty for a ".." at its root
                // ("sc://x/.." → "sc://x"), where the standard would give "/".
                var wasEmpty = _url.PathSegments.Count == 0;
                ShortenPath();
                if (!slash && (_url.IsSpecial || !wasEmpty))
                {
                    _url.PathSegments.Add("");
                }
            }
            else if (IsSingleDot(segment))
            {
                if (!slash)
                {
                    _url.PathSegments.Add("");
                }
            }
            else
            {
                if (_url.Scheme == "file" && _url.PathSegments.Count == 0 && IsWindowsDriveLetter(segment, normalizedOnly: false))
                {
                    segment = segment[..1] + ":";
                }

                _url.PathSegments.Add(segment);
            }

            _buffer.Clear();
            StartQueryOrFragment(c);
        }
        else
        {
            PercentEncoding.AppendEncoded(_buffer, c, EncodeSet.Path);
        }

        return true;
    }

    // The URL Standard's opaque path state.
    private bool OpaquePathState(int c)
    {
        if (c is Eof or '?' or '#')
        {
            _url.OpaquePath = _opaquePath.ToString();
            StartQueryOrFragment(c);
        }
        else
        {
            PercentEncoding.AppendEncoded(_opaquePath, c, EncodeSet.C0Control);
        }

        return true;
    }

    // The URL Standard's query state.
    private bool QueryState(int c)
    {
        if (c is Eof or '#')
        {
            var sb = new StringBuilder(_url.Query);
            foreach (var rune in _buffer.ToString().EnumerateRunes())
            {
                PercentEncoding.AppendEncoded(sb, rune.Value, _url.IsSpecial ? EncodeSet.SpecialQuery : EncodeSet.Query);
            }

            _url.Query = sb.ToString();
            _buffer.Clear();
            if (c == '#')
            {
                _url.Fragment = "";
                _state = State.Fragment;
            }
        }
        else
        {
            PercentEncoding.AppendCodePoint(_buffer, c);
        }

        return true;
    }

    // The URL Standard's fragment state.
    private bool FragmentState(int c)
    {
        if (c == Eof)
        {
            _url.Fragment += _fragment.ToString();
        }
        else
        {
            PercentEncoding.AppendEncoded(_fragment, c, EncodeSet.Fragment);
        }

        return true;
    }

    private static bool IsWindowsDriveLetter(string s, bool normalizedOnly)
        => s.Length == 2 && IsAsciiAlpha(s[0]) && (s[1] == ':' || (!normalizedOnly && s[1] == '|'));

    // "starts with a Windows drive letter": two code points forming one, then the end or one of / \ ? #.
    private static bool StartsWithWindowsDriveLetter(int[] cps, int from)
        => from >= 0 && cps.Length - from >= 2 && IsAsciiAlpha(cps[from]) && cps[from + 1] is ':' or '|'
            && (cps.Length - from == 2 || cps[from + 2] is '/' or '\\' or '?' or '#');

    private static bool IsSingleDot(string s) => s == "." || string.Equals(s, "%2e", StringComparison.OrdinalIgnoreCase);

    private static bool IsDoubleDot(string s) => s switch
    {
        ".." => true,
        _ when s.Length == 4 => string.Equals(s, ".%2e", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "%2e.", StringComparison.OrdinalIgnoreCase),
        _ when s.Length == 6 => string.Equals(s, "%2e%2e", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    // "shorten a URL's path". A path kept from an opaque base (WhatwgUrl.PathUnrooted) never loses its first segment,
    // as node's parser cuts its path text at the last "/" only.
    private void ShortenPath()
    {
        var path = _url.PathSegments;
        if (_url.Scheme == "file" && path.Count == 1 && IsWindowsDriveLetter(path[0], normalizedOnly: true))
        {
            return;
        }

        if (path.Count > (_url.PathUnrooted ? 1 : 0))
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    // "?" starts the query and "#" the fragment, in every state that can end there; false for any other code point.
    private bool StartQueryOrFragment(int c)
    {
        if (c == '?')
        {
            _url.Query = "";
            _state = State.Query;
            return true;
        }

        if (c == '#')
        {
            _url.Fragment = "";
            _state = State.Fragment;
            return true;
        }

        return false;
    }
}
