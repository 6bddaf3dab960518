namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The file, file slash and file host states.</summary>
internal sealed partial class UrlParser
{
    // The URL Standard's file state.
    private bool FileState(int c)
    {
        _url.Scheme = "file";
        _url.HostName = "";
        if (c is '/' or '\\')
        {
            _state = State.FileSlash;
        }
        else if (_base is not null && _base.Scheme == "file")
        {
            _url.HostName = _base.HostName;
            _url.PathSegments = [.. _base.PathSegments];
            _url.Query = _base.Query;
            if (!StartQueryOrFragment(c) && c != Eof)
            {
                _url.Query = null;
                if (!StartsWithWindowsDriveLetter(_cps, _pointer))
                {
                    ShortenPath();
                }
                else
                {
                    _url.PathSegments = [];
                }

                _state = State.Path;
                _pointer--;
            }
        }
        else
        {
            _state = State.Path;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's file slash state.
    private bool FileSlashState(int c)
    {
        if (c is '/' or '\\')
        {
            _state = State.FileHost;
        }
        else
        {
            if (_base is not null && _base.Scheme == "file")
            {
                _url.HostName = _base.HostName;
                if (!StartsWithWindowsDriveLetter(_cps, _pointer) && _base.PathSegments.Count > 0
                    && IsWindowsDriveLetter(_base.PathSegments[0], normalizedOnly: true))
                {
                    _url.PathSegments.Add(_base.PathSegments[0]);
                }
            }

            _state = State.Path;
            _pointer--;
        }

        return true;
    }

    // The URL Standard's file host state.
    private bool FileHostState(int c)
    {
        if (c is Eof or '/' or '\\' or '?' or '#')
        {
            _pointer--;
            var text = _buffer.ToString();
            if (IsWindowsDriveLetter(text, normalizedOnly: false))
            {
                // The Windows drive letter quirk: the _buffer is kept and becomes the first path segment.
                _state = State.Path;
            }
            else if (text.Length == 0)
            {
                _url.HostName = "";
                _state = State.PathStart;
            }
            else
            {
                var host = Host.Parse(text, !_url.IsSpecial);
                if (host is null)
                {
                    return false;
                }

                _url.HostName = host == "localhost" ? "" : host;
                _buffer.Clear();
                _state = State.PathStart;
            }
        }
        else
        {
            PercentEncoding.AppendCodePoint(_buffer, c);
        }

        return true;
    }
}
