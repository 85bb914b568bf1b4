// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Backends;

namespace Gateway.Translation.Routes;

/// <summary>
/// Translates one route's filters. Problems that make the route unacceptable go to Problems; references that
/// do not resolve (a mirror's backend) go to Unresolved and leave the route accepted.
/// </summary>
internal sealed class FilterTranslator(
    BackendResolver backends, string routeKind, string routeNamespace, BackendProtocol defaultProtocol = BackendProtocol.Http1)
{
    public List<string> Problems { get; } = [];

    public (string Reason, string Message)? Unresolved { get; set; }

    /// <summary>Translates filters; a RequestRedirect becomes the rule's action instead of a filter.</summary>
    public ImmutableArray<RouteFilter> Translate(ImmutableArray<HTTPRouteFilter> filters, out RedirectAction? redirect)
    {
        redirect = null;
        var result = ImmutableArray.CreateBuilder<RouteFilter>();
        foreach (var filter in filters.IsDefault ? [] : filters)
        {
            switch (filter.Type)
            {
                case "RequestHeaderModifier" when filter.RequestHeaderModifier is { } modifier:
                    result.Add(new RequestHeaderFilter(Changes(modifier)));
                    break;
                case "ResponseHeaderModifier" when filter.ResponseHeaderModifier is { } modifier:
                    result.Add(new ResponseHeaderFilter(Changes(modifier)));
                    break;
                case "RequestRedirect" when filter.RequestRedirect is { } r:
                    redirect = new RedirectAction(r.Scheme, r.Hostname, r.Port, Path(r.Path), r.StatusCode ?? 302);
                    break;
                case "URLRewrite" when filter.UrlRewrite is { } rewrite:
                    result.Add(new UrlRewriteFilter(rewrite.Hostname, Path(rewrite.Path)));
                    break;
                case "CORS" when filter.Cors is { } cors:
                    result.Add(new CorsFilter
                    {
                        AllowOrigins = cors.AllowOrigins,
                        AllowCredentials = cors.AllowCredentials ?? false,
                        AllowMethods = cors.AllowMethods,
                        AllowHeaders = cors.AllowHeaders,
                        ExposeHeaders = cors.ExposeHeaders,
                        MaxAge = cors.MaxAge,
                    });
                    break;
                case "RequestMirror" when filter.RequestMirror is { } mirror:
                    if (Mirror(mirror) is { } translated)
                    {
                        result.Add(translated);
                    }

                    break;
                default:
                    Problems.Add($"Filter type {filter.Type} is not supported.");
                    break;
            }
        }

        return result.ToImmutable();
    }

    private RequestMirrorFilter? Mirror(HTTPRequestMirrorFilter mirror)
    {
        var (clusterId, reason, message) = backends.Resolve(mirror.BackendRef, routeKind, routeNamespace, defaultProtocol);
        if (clusterId is null)
        {
            Unresolved ??= (reason!, $"RequestMirror: {message}");
            return null;
        }

        double percent = mirror switch
        {
            { Percent: { } p } => p,
            { Fraction: { } f } => 100.0 * f.Numerator / (f.Denominator ?? 100),
            _ => 100,
        };
        return new RequestMirrorFilter(clusterId, Math.Clamp(percent, 0, 100));
    }

    private static HeaderChanges Changes(HTTPHeaderFilter filter) => new()
    {
        Set = [.. filter.Set.Select(h => KeyValuePair.Create(h.Name, h.Value))],
        Add = [.. filter.Add.Select(h => KeyValuePair.Create(h.Name, h.Value))],
        Remove = filter.Remove,
    };

    private static PathRewrite? Path(HTTPPathModifier? modifier) => modifier?.Type switch
    {
        "ReplaceFullPath" => new PathRewrite(PathRewriteType.ReplaceFullPath, modifier.ReplaceFullPath ?? "/"),
        "ReplacePrefixMatch" => new PathRewrite(PathRewriteType.ReplacePrefixMatch, modifier.ReplacePrefixMatch ?? "/"),
        _ => null,
    };
}
