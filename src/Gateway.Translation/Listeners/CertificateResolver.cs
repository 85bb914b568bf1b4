// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Model.Core;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.References;
using Gateway.Translation.Status;

namespace Gateway.Translation.Listeners;

/// <summary>
/// Resolves an HTTPS listener's certificateRefs to kubernetes.io/tls Secrets: same namespace, or another one
/// with a ReferenceGrant; the certificate and key must parse and belong together.
/// </summary>
internal sealed class CertificateResolver(TranslationIndex index)
{
    private readonly Dictionary<string, TlsCertificate> _certificates = new(StringComparer.Ordinal);

    /// <summary>Frontend client-certificate validation, resolved next to the serving certificates.</summary>
    public ClientValidationResolver ClientValidation { get; } = new(index);

    public IEnumerable<TlsCertificate> Certificates => _certificates.Values.OrderBy(c => c.Id, StringComparer.Ordinal);

    public void Resolve(ListenerPlan listener, long? generation)
    {
        var tls = listener.Spec.Tls;
        if (tls is null || tls.CertificateRefs.IsDefaultOrEmpty)
        {
            listener.UnresolvedRefs = Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidCertificateRef,
                "An HTTPS listener needs tls.certificateRefs.", generation);
            return;
        }

        // A ListenerSet's listener refers from the ListenerSet: the Gateway's grants are not inherited (upstream).
        var fromKind = listener.Origin is null ? "Gateway" : Model.GatewayApi.V1ListenerSet.KindName;
        var ids = new List<string>();
        foreach (var reference in tls.CertificateRefs)
        {
            var (certificate, problem) = ResolveSecret(reference, fromKind, listener.Namespace, Reason.InvalidCertificateRef, generation);
            listener.UnresolvedRefs ??= problem;
            if (certificate is not null)
            {
                ids.Add(certificate.Id);
            }
        }

        listener.CertificateIds = [.. ids];
    }

    /// <summary>
    /// spec.tls.backend.clientCertificateRef: the certificate the Gateway presents to TLS backends, and the Gateway's
    /// ResolvedRefs condition (set only when the reference is).
    /// </summary>
    public void ResolveBackendClient(GatewayPlan plan)
    {
        if (plan.Gateway.Spec.Tls?.Backend?.ClientCertificateRef is not { } reference)
        {
            return;
        }

        var generation = plan.Gateway.Metadata.Generation;
        var (certificate, problem) = ResolveSecret(reference, "Gateway", plan.Key.Namespace, Reason.InvalidClientCertificateRef, generation);
        plan.BackendClientCertificateId = certificate?.Id;
        plan.ResolvedRefs = problem
            ?? Conditions.True(ConditionType.ResolvedRefs, Reason.ResolvedRefs, "The backend client certificate is resolved.", generation);
    }

    /// <summary>A Secret a Gateway names: the certificate (kept for the snapshot), or the ResolvedRefs=False condition saying why not.</summary>
    private (TlsCertificate? Certificate, Condition? Problem) ResolveSecret(
        SecretObjectReference reference, string fromKind, string fromNamespace, string invalid, long? generation)
    {
        var ns = reference.Namespace ?? fromNamespace;
        var key = new NamespacedName(ns, reference.Name);
        if ((reference.Group ?? "") != "" || (reference.Kind ?? "Secret") != "Secret")
        {
            return (null, Conditions.False(ConditionType.ResolvedRefs, invalid, $"Certificate reference {reference.Group}/{reference.Kind} {key} is not a Secret.", generation));
        }

        if (!ReferenceGrants.Permits(index.Resources.ReferenceGrants, GatewayPlanner.GatewayGroup, fromKind, fromNamespace, "", "Secret", ns, reference.Name))
        {
            return (null, Conditions.False(ConditionType.ResolvedRefs, Reason.RefNotPermitted,
                $"No ReferenceGrant in {ns} allows {fromKind}s from {fromNamespace} to use Secret {reference.Name}.", generation));
        }

        if (!index.Secrets.TryGetValue(key, out var secret))
        {
            return (null, Conditions.False(ConditionType.ResolvedRefs, invalid, $"Secret {key} does not exist.", generation));
        }

        var (certificate, problem) = Load(secret);
        if (certificate is null)
        {
            return (null, Conditions.False(ConditionType.ResolvedRefs, invalid, $"Secret {key} is not a usable TLS certificate: {problem}", generation));
        }

        _certificates[certificate.Id] = certificate;
        return (certificate, null);
    }

    private static (TlsCertificate? Certificate, string? Problem) Load(V1Secret secret)
    {
        if (secret.Type is not null && secret.Type != "kubernetes.io/tls")
        {
            return (null, $"type is {secret.Type}, not kubernetes.io/tls.");
        }

        if (Decode(secret, "tls.crt") is not { } certPem || Decode(secret, "tls.key") is not { } keyPem)
        {
            return (null, "tls.crt and tls.key must both be present and base64-encoded.");
        }

        try
        {
            // Parsing is pure computation: it proves the pair is usable before any listener depends on it.
            using var parsed = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (CryptographicException e)
        {
            return (null, e.Message);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(certPem + "\n" + keyPem)));
        return (new TlsCertificate
        {
            Id = $"secret/{secret.Metadata.Namespace}/{secret.Metadata.Name}",
            Fingerprint = fingerprint,
            CertificatePem = certPem,
            PrivateKeyPem = keyPem,
        }, null);
    }

    private static string? Decode(V1Secret secret, string key)
    {
        if (secret.Data is null || !secret.Data.TryGetValue(key, out var base64) || string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
