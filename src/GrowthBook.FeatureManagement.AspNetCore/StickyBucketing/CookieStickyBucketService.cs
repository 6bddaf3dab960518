using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// Sticky buckets in a cookie, for anonymous visitors with no server-side store: the documents of the current request's
/// visitor are read from the request's cookie and written back with <c>Set-Cookie</c> when an assignment changes (if
/// the response has not started; otherwise the assignment lasts for this request only).
/// <para>
/// Format: cookie <see cref="CookieStickyBucketOptions.CookieName"/> (default <c>gbStickyBuckets</c>) whose value is the
/// base64url (no padding) of the UTF-8 JSON array of GrowthBook documents,
/// <c>[{"attributeName":"id","attributeValue":"…","assignments":{"exp__0":"1"}}]</c>, protected by Data Protection
/// while <see cref="CookieStickyBucketOptions.Protect"/> is true (the default). A cookie that is too long, not
/// decodable, not authentic or not such an array is ignored as a whole (logged at Debug, and replaced on the next save).
/// </para>
/// Register it with <c>AddGrowthBook(…).WithCookieStickyBucketing()</c>. Outside a request it stores nothing.
/// </summary>
public sealed class CookieStickyBucketService : IStickyBucketService
{
    internal const string Purpose = "GrowthBook.FeatureManagement.StickyBuckets";
    private static readonly object ItemKey = new();

    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly CookieStickyBucketOptions _options;
    private readonly IDataProtector? _protector;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="httpContextAccessor">The current request.</param>
    /// <param name="options">The cookie's settings.</param>
    /// <param name="dataProtection">Data Protection, needed while <see cref="CookieStickyBucketOptions.Protect"/> is true.</param>
    /// <param name="logger">Where a rejected cookie is logged (Debug).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException"><see cref="CookieStickyBucketOptions.Protect"/> is true and there is no Data Protection.</exception>
    public CookieStickyBucketService(
        IHttpContextAccessor httpContextAccessor,
        IOptions<CookieStickyBucketOptions> options,
        IDataProtectionProvider? dataProtection = null,
        ILogger<CookieStickyBucketService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpContextAccessor);
        ArgumentNullException.ThrowIfNull(options);
        _httpContextAccessor = httpContextAccessor;
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (new CookieStickyBucketOptionsValidator().Validate(null, _options) is { Failed: true } invalid)
        {
            throw new ArgumentException(invalid.FailureMessage, nameof(options));
        }

        if (_options.Protect)
        {
            _protector = (dataProtection ?? throw new InvalidOperationException(
                "CookieStickyBucketOptions.Protect needs ASP.NET Core Data Protection: call services.AddDataProtection(), or set Protect to false."))
                .CreateProtector(Purpose);
        }
    }

    /// <inheritdoc />
    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        ArgumentNullException.ThrowIfNull(attributeValue);
        return new ValueTask<StickyAssignmentsDocument?>(JarOf(_httpContextAccessor.HttpContext)?.Get(attributeName, attributeValue));
    }

    /// <inheritdoc />
    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var context = _httpContextAccessor.HttpContext;
        if (context is not null && JarOf(context) is { } jar && jar.Save(document) && !context.Response.HasStarted)
        {
            // One Set-Cookie with every document, written as the response starts (several saves in a request, one cookie).
            context.Response.OnStarting(static state => ((Writer)state).WriteAsync(), new Writer(this, context, jar));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var result = new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal);
        if (JarOf(_httpContextAccessor.HttpContext) is { } jar)
        {
            foreach (var (name, value) in attributes)
            {
                if (jar.Get(name, value) is { } document)
                {
                    result[document.Key] = document;
                }
            }
        }

        return new ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>>(result);
    }

    /// <summary>The request's documents, read from its cookie once and kept in <see cref="HttpContext.Items"/>.</summary>
    private CookieJar? JarOf(HttpContext? context)
    {
        if (context is null)
        {
            return null;
        }

        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is CookieJar jar)
        {
            return jar;
        }

        var cookie = context.Request.Cookies[_options.CookieName];
        var documents = Read(cookie);
        if (documents is null)
        {
            AspNetCoreLog.StickyBucketCookieRejected(_logger, _options.CookieName);
        }

        jar = new CookieJar(documents ?? []);
        context.Items[ItemKey] = jar;
        return jar;
    }

    // Client input: anything but a well-formed (and, when protected, authentic) array of documents is ignored: null
    // for a cookie that is there but rejected.
    private List<StickyAssignmentsDocument>? Read(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return [];
        }

        if (cookie.Length > _options.MaxCookieLength)
        {
            return null;
        }

        try
        {
            var bytes = WebEncoders.Base64UrlDecode(cookie);
            if (_protector is not null)
            {
                bytes = _protector.Unprotect(bytes);
            }

            using var json = JsonDocument.Parse(bytes);
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var documents = new List<StickyAssignmentsDocument>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                if (StickyAssignmentsDocument.FromJson(item) is not { } document)
                {
                    return null;
                }

                documents.Add(document);
            }

            return documents;
        }
        catch (Exception e) when (e is FormatException or JsonException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The cookie value for the documents, most recently saved first, trimmed to <see cref="CookieStickyBucketOptions.MaxCookieLength"/>; null when nothing fits.</summary>
    internal string? Encode(IReadOnlyList<StickyAssignmentsDocument> newestFirst)
    {
        var documents = newestFirst.ToList();
        while (documents.Count > 0)
        {
            var encoded = EncodeAll(documents);
            if (encoded.Length <= _options.MaxCookieLength)
            {
                return encoded;
            }

            if (documents.Count > 1)
            {
                documents.RemoveAt(documents.Count - 1); // the least recently saved document goes first
                continue;
            }

            var only = documents[0];
            if (only.Assignments.Count <= 1)
            {
                return null;
            }

            // One document too large on its own: drop its oldest assignments (the dictionary keeps insertion order).
            var kept = only.Assignments.Skip(Math.Max(1, only.Assignments.Count / 4)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            documents[0] = only with { Assignments = kept };
        }

        return null;
    }

    private string EncodeAll(List<StickyAssignmentsDocument> documents)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var document in documents)
            {
                document.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        var bytes = buffer.ToArray();
        return WebEncoders.Base64UrlEncode(_protector is null ? bytes : _protector.Protect(bytes));
    }

    private sealed class Writer(CookieStickyBucketService service, HttpContext context, CookieJar jar)
    {
        public Task WriteAsync()
        {
            var options = service._options;
            var value = service.Encode(jar.NewestFirst());
            if (value is not null)
            {
                context.Response.Cookies.Append(options.CookieName, value, new CookieOptions
                {
                    HttpOnly = options.HttpOnly,
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                    MaxAge = options.CookieLifetime,
                    Path = "/",
                });
            }

            return Task.CompletedTask;
        }
    }
}
