namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The states that resolve against the base or choose between a path and an authority.</summary>
internal sealed partial class UrlParser
{
    // The URL Standard's special relative or authority state.
    private bool SpecialRelativeOrAuthorityState(int c)
    {
        if (c == '/' && Remaining(1) == '/')
        {
            _state = State.SpecialAuthorityIgnoreSlashes;
            _pointer++;
        }
        else
        {
            _state = State.Relative;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's path or authority state.
    private bool PathOrAuthorityState(int c)
    {
        if (c == '/')
        {
            _state = State.Authority;
        }
        else
        {
            _state = State.Path;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's relative state.
    private bool RelativeState(int c)
    {
        _url.Scheme = _base!.Scheme;
        if (c == '/' || (_url.IsSpecial && c == '\\'))
        {
            _state = State.RelativeSlash;
        }
        else
        {
            _url.Username = _base.Username;
            _url.Password = _base.Password;
            _url.HostName = _base.HostName;
            _url.Port = _base.Port;
            _url.PathSegments = _base.OpaquePath is { } opaque ? [.. opaque.Split('/')] : [.. _base.PathSegments];
            _url.PathUnrooted = _base.OpaquePath is not null;
            _url.Query = _base.Query;
            if (!StartQueryOrFragment(c) && c != Eof)
            {
                _url.Query = null;
                ShortenPath();
                _state = State.Path;
                _pointer--;
            }
        }

        return true;
    }

    // The URL Standard's relative slash state.
    private bool RelativeSlashState(int c)
    {
        if (_url.IsSpecial && c is '/' or '\\')
        {
            _state = State.SpecialAuthorityIgnoreSlashes;
        }
        else if (c == '/')
        {
            _state = State.Authority;
        }
        else
        {
            _url.Username = _base!.Username;
            _url.Password = _base.Password;
            _url.HostName = _base.HostName;
            _url.Port = _base.Port;
            _state = State.Path;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's special authority slashes state.
    private bool SpecialAuthoritySlashesState(int c)
    {
        _state = State.SpecialAuthorityIgnoreSlashes;
        if (c == '/' && Remaining(1) == '/')
        {
            _pointer++;
        }
        else
        {
            _pointer--;
        }

        return true;
    }

    // The URL Standard's special authority ignore slashes state.
    private bool SpecialAuthorityIgnoreSlashesState(int c)
    {
        if (c is not '/' and not '\\')
        {
            _state = State.Authority;
            _pointer--;
        }

        return true;
    }
}
