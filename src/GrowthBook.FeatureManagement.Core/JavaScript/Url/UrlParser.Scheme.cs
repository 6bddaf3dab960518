namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The scheme start, scheme and no scheme states.</summary>
internal sealed partial class UrlParser
{
    // The URL Standard's scheme start state.
    private bool SchemeStartState(int c)
    {
        if (IsAsciiAlpha(c))
        {
            _buffer.Append(char.ToLowerInvariant((char)c));
            _state = State.Scheme;
        }
        else
        {
            _state = State.NoScheme;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's scheme state.
    private bool SchemeState(int c)
    {
        if (IsAsciiAlpha(c) || IsAsciiDigit(c) || c is '+' or '-' or '.')
        {
            _buffer.Append(char.ToLowerInvariant((char)c));
        }
        else if (c == ':')
        {
            _url.Scheme = _buffer.ToString();
            _buffer.Clear();
            if (_url.Scheme == "file")
            {
                _state = State.File;
            }
            else if (_url.IsSpecial && _base is not null && _base.Scheme == _url.Scheme)
            {
                _state = State.SpecialRelativeOrAuthority;
            }
            else if (_url.IsSpecial)
            {
                _state = State.SpecialAuthoritySlashes;
            }
            else if (Remaining(1) == '/')
            {
                _state = State.PathOrAuthority;
                _pointer++;
            }
            else
            {
                _url.OpaquePath = "";
                _state = State.OpaquePath;
            }
        }
        else
        {
            _buffer.Clear();
            _state = State.NoScheme;
            _pointer = -1;
        }

        return true;
    }

    // The URL Standard's no scheme state.
    private bool NoSchemeState(int c)
    {
        // The standard fails any reference but "#…" against a base with an opaque path; node's parser fails only one
        // without any "#", and resolves the others as relative references (WhatwgUrl.PathUnrooted).
        if (_base is null || (_base.OpaquePath is not null && Array.IndexOf(_cps, '#', Math.Max(_pointer, 0)) < 0))
        {
            return false;
        }

        if (_base.OpaquePath is not null && c == '#')
        {
            _url.Scheme = _base.Scheme;
            _url.OpaquePath = _base.OpaquePath;
            _url.Query = _base.Query;
            _url.Fragment = "";
            _state = State.Fragment;
        }
        else
        {
            _state = _base.Scheme != "file" ? State.Relative : State.File;
            _pointer--;
        }

        return true;
    }
}
