// SPDX-License-Identifier: Apache-2.0
using System.Text;
using k8s;

namespace Gateway.Kubernetes;

/// <summary>
/// Raw REST calls through KubernetesClient's configured HttpClient and credentials: the writers send exact JSON
/// (merge patches, status subresources) rather than the client's typed models.
/// </summary>
internal static class ApiRequests
{
    public static async Task<HttpResponseMessage> SendAsync(IKubernetes client, HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        var kubernetes = (k8s.Kubernetes)client;
        using var request = new HttpRequestMessage(method, new Uri(kubernetes.BaseUri, path.TrimStart('/')));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType!);
        }

        if (kubernetes.Credentials is not null)
        {
            await kubernetes.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await kubernetes.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
