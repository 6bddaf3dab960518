using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The authority, host (and hostname) and port states.</summary>
internal sealed partial class UrlParser
{
    // The URL Standard's authority state: userinfo up to the last "@".
    private bool AuthorityState(int c)
    {
        if (c == '@')
        {
            if (_atSignSeen)
            {
                _buffer.Insert(0, "%40");
            }

            _atSignSeen = true;
            var userinfo = new StringBuilder();
            var password = new StringBuilder();
            foreach (var rune in _buffer.ToString().EnumerateRunes())
            {
                if (rune.Value == ':' && !_passwordTokenSeen)
                {
                    _passwordTokenSeen = true;
                    continue;
                }

                PercentEncoding.AppendEncoded(_passwordTokenSeen ? password : userinfo, rune.Value, EncodeSet.Userinfo);
            }

            _url.Username += userinfo.ToString();
            _url.Password += password.ToString();
            _buffer.Clear();
            _bufferCodePoints = 0;
        }
        else if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            if (_atSignSeen && _buffer.Length == 0)
            {
                return false;
            }

            _pointer -= _bufferCodePoints + 1;
            _buffer.Clear();
            _bufferCodePoints = 0;
            _state = State.Host;
        }
        else
        {
            PercentEncoding.AppendCodePoint(_buffer, c);
            _bufferCodePoints++;
        }

        return true;
    }

    // The URL Standard's host state (and hostname state).
    private bool HostState(int c)
    {
        if (c == ':' && !_insideBrackets)
        {
            if (_buffer.Length == 0)
            {
                return false;
            }

            _url.HostName = Host.Parse(_buffer.ToString(), !_url.IsSpecial);
            if (_url.HostName is null)
            {
                return false;
            }

            _buffer.Clear();
            _state = State.Port;
        }
        else if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            _pointer--;
            if (_url.IsSpecial && _buffer.Length == 0)
            {
                return false;
            }

            _url.HostName = Host.Parse(_buffer.ToString(), !_url.IsSpecial);
            if (_url.HostName is null)
            {
                return false;
            }

            _buffer.Clear();
            _state = State.PathStart;
        }
        else
        {
            if (c == '[')
            {
                _insideBrackets = true;
            }
            else if (c == ']')
            {
                _insideBrackets = false;
            }

            PercentEncoding.AppendCodePoint(_buffer, c);
        }

        return true;
    }

    // The URL Standard's port state.
    private bool PortState(int c)
    {
        if (IsAsciiDigit(c))
        {
            _buffer.Append((char)c);
        }
        else if (c is Eof or '/' or '?' or '#' || (_url.IsSpecial && c == '\\'))
        {
            if (_buffer.Length > 0)
            {
                var port = 0;
                foreach (var d in _buffer.ToString())
                {
                    port = (port * 10) + (d - '0');
                    if (port > 65535)
                    {
                        return false;
                    }
                }

                _url.Port = port == WhatwgUrl.DefaultPort(_url.Scheme) ? null : port;
                _buffer.Clear();
            }

            _state = State.PathStart;
            _pointer--;
        }
        else
        {
            return false;
        }

        return true;
    }
}
