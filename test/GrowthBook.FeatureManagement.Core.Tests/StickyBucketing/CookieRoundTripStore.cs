using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// <see cref="CookieStickyBucketService"/> driven as a browser drives it: saves go into the current request's response;
/// every load starts a new request that carries the cookie the previous response set (its <c>OnStarting</c>
/// callbacks are run, as the server runs them when the response starts). So documents only survive by a real cookie
/// round trip, protected as by default (keys of this store's own).
/// </summary>
internal sealed class CookieRoundTripStore : IStickyBucketService
{
    private readonly CurrentRequest _accessor = new();
    private readonly CookieStickyBucketService _service;
    private readonly CookieStickyBucketOptions _options = new();
    private string? _cookie;
    private ResponseFeature? _response;

    public CookieRoundTripStore()
    {
        _service = new CookieStickyBucketService(_accessor, Options.Create(_options), new EphemeralDataProtectionProvider());
        NextRequest();
    }

    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        NextRequestAsync().GetAwaiter().GetResult();
        return _service.GetAssignmentsAsync(attributeName, attributeValue, cancellationToken);
    }

    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
        => _service.SaveAssignmentsAsync(document, cancellationToken);

    public async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        await NextRequestAsync();
        return await _service.GetAllAssignmentsAsync(attributes, cancellationToken);
    }

    /// <summary>Ends the current request (its response starts and sets the cookie) and begins the next one with that cookie.</summary>
    private async Task NextRequestAsync()
    {
        if (_response is not null)
        {
            await _response.StartAsync();
            foreach (var header in _accessor.HttpContext!.Response.Headers.SetCookie)
            {
                var setCookie = SetCookieHeaderValue.Parse(header);
                if (setCookie.Name == _options.CookieName)
                {
                    _cookie = setCookie.Value.ToString();
                }
            }
        }

        NextRequest();
    }

    private void NextRequest()
    {
        var context = new DefaultHttpContext();
        _response = new ResponseFeature();
        context.Features.Set<IHttpResponseFeature>(_response);
        if (_cookie is not null)
        {
            context.Request.Headers.Cookie = _options.CookieName + "=" + _cookie;
        }

        _accessor.HttpContext = context;
    }

    /// <summary>The one browser's current request (a plain field: the requests follow each other, not async flows).</summary>
    private sealed class CurrentRequest : IHttpContextAccessor
    {
        public HttpContext? HttpContext { get; set; }
    }

    /// <summary>A response that runs its <c>OnStarting</c> callbacks when told to start (DefaultHttpContext's never starts).</summary>
    private sealed class ResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];
        private bool _started;

        public override bool HasStarted => _started;

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            // ASP.NET Core runs them last-registered first.
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }

            _started = true;
        }
    }
}
