// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;

namespace Gateway.Translation.Routes;

internal static class FilterTranslator
{
    /// <summary>Translates filters; a RequestRedirect becomes the rule's action instead of a filter.</summary>
    public static ImmutableArray<RouteFilter> Translate(ImmutableArray<HTTPRouteFilter> filters, List<string> problems, out RedirectAction? redirect)
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
                default:
                    problems.Add($"Filter type {filter.Type} is not supported yet.");
                    break;
            }
        }

        return result.ToImmutable();
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
