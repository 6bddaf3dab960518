using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>
/// A URL record of the URL Standard, as node's <c>new URL(input, base)</c> builds it (<see cref="UrlParser"/>), with the
/// getters GrowthBook's rules read: <c>href</c>, <c>origin</c>, <c>host</c>, <c>pathname</c>, <c>search</c>, <c>hash</c>.
/// </summary>
internal sealed class WhatwgUrl
{
    public string Scheme { get; internal set; } = "";

    public string Username { get; internal set; } = "";

    public string Password { get; internal set; } = "";

    /// <summary>The serialized host (IPv6 in brackets), or null for none.</summary>
    public string? HostName { get; internal set; }

    public int? Port { get; internal set; }

    /// <summary>The query without <c>?</c>, or null for none.</summary>
    public string? Query { get; set; }

    /// <summary>The fragment without <c>#</c>, or null for none.</summary>
    public string? Fragment { get; internal set; }

    /// <summary>The path's segments (when the path is not opaque).</summary>
    internal List<string> PathSegments { get; set; } = [];

    /// <summary>The opaque path (<c>mailto:x</c>, <c>sc:x</c>), or null.</summary>
    internal string? OpaquePath { get; set; }

    /// <summary>
    /// Node's parser resolves a reference with a "#" against a base with an opaque path (the standard fails it) and keeps
    /// that path's text, without a leading "/", as the start of the new path: <c>new URL("x#", "sc:op")</c> is
    /// <c>sc:op/x#</c>.
    /// </summary>
    internal bool PathUnrooted { get; set; }

    public bool IsSpecial => DefaultPort(Scheme) != -2;

    /// <summary><c>url.host</c>: host and port, or "".</summary>
    public string HostWithPort => HostName is null ? "" : Port is null ? HostName : HostName + ":" + Port.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>url.pathname</c>.</summary>
    public string Pathname => OpaquePath
        ?? (PathUnrooted ? string.Join("/", PathSegments) : PathSegments.Count == 0 ? "" : "/" + string.Join("/", PathSegments));

    /// <summary><c>url.search</c>: "" when the query is null or empty.</summary>
    public string Search => string.IsNullOrEmpty(Query) ? "" : "?" + Query;

    /// <summary><c>url.hash</c>: "" when the fragment is null or empty.</summary>
    public string Hash => string.IsNullOrEmpty(Fragment) ? "" : "#" + Fragment;

    /// <summary><c>url.href</c>.</summary>
    public string Href
    {
        get
        {
            var sb = new StringBuilder(Scheme).Append(':');
            if (HostName is not null)
            {
                sb.Append("//");
                if (Username.Length > 0 || Password.Length > 0)
                {
                    sb.Append(Username);
                    if (Password.Length > 0)
                    {
                        sb.Append(':').Append(Password);
                    }

                    sb.Append('@');
                }

                sb.Append(HostWithPort);
            }
            else if (OpaquePath is null && !PathUnrooted && PathSegments.Count > 1 && PathSegments[0].Length == 0)
            {
                sb.Append("/.");
            }

            sb.Append(Pathname);
            if (Query is not null)
            {
                sb.Append('?').Append(Query);
            }

            if (Fragment is not null)
            {
                sb.Append('#').Append(Fragment);
            }

            return sb.ToString();
        }
    }

    /// <summary><c>url.origin</c>: <c>scheme://host[:port]</c> for http(s), ws(s) and ftp; "null" when opaque.</summary>
    public string Origin
    {
        get
        {
            switch (Scheme)
            {
                case "http" or "https" or "ws" or "wss" or "ftp":
                    return Scheme + "://" + HostWithPort;
                case "blob":
                    var inner = Parse(Pathname, null);
                    return inner is not null && inner.Scheme is "http" or "https" ? inner.Origin : "null";
                default:
                    return "null";
            }
        }
    }

    /// <summary><c>new URL(input, base)</c>; null where JS throws.</summary>
    public static WhatwgUrl? Parse(string input, WhatwgUrl? baseUrl) => UrlParser.Parse(input, baseUrl);

    // -2: not special; -1: special without a default port (file).
    internal static int DefaultPort(string scheme) => scheme switch
    {
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        "ftp" => 21,
        "file" => -1,
        _ => -2,
    };
}
