// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Deploy.Tests;

/// <summary>The certificates the chart makes for split mode let the proxies and the controller trust each other.</summary>
public sealed class ChannelTlsTests
{
    // A property, not a field: without helm the tests fail with Helm's message, not a type initializer's.
    private static Manifests Split => Helm.Template(set: ["split.enabled=true"]);

    [Fact]
    public void ControllerCertificate_NamesTheAddressTheProxiesDial_AndChainsToTheProxiesCa()
    {
        var proxy = Split.Workloads.Single(w => w.Role == "proxy");
        var address = new Uri(proxy.Flag("--controller-address")!);
        var (certificate, ca) = Load(Split.Workloads.Single(w => w.Role == "controller"), "--channel-cert");
        var (_, proxyCa) = Load(proxy, "--channel-client-cert");

        certificate.MatchesHostname(address.Host).Should().BeTrue($"the proxies dial {address}");
        Chains(certificate, proxyCa, "1.3.6.1.5.5.7.3.1").Should().BeTrue("the proxies' --channel-ca must accept the controller's serving certificate");
        ca.Thumbprint.Should().Be(proxyCa.Thumbprint);
    }

    [Fact]
    public void ProxyCertificate_ChainsToTheControllersClientCa()
    {
        var (certificate, _) = Load(Split.Workloads.Single(w => w.Role == "proxy"), "--channel-client-cert");
        var (_, clientCa) = Load(Split.Workloads.Single(w => w.Role == "controller"), "--channel-cert");

        certificate.HasPrivateKey.Should().BeTrue();
        Chains(certificate, clientCa, "1.3.6.1.5.5.7.3.2").Should().BeTrue("the controller's --channel-client-ca must accept the proxies' client certificate");
    }

    /// <summary>The certificate (with its key) a workload's flag names in its mounted Secret, and that Secret's ca.crt.</summary>
    private static (X509Certificate2 Certificate, X509Certificate2 Ca) Load(Workload workload, string flag)
    {
        var secretName = Yaml.Items(workload.Pod, "volumes").Select(v => Yaml.Scalar(Yaml.Child(v, "secret"), "secretName")).Single(n => n != null)!;
        var data = Yaml.Map(Split.Single("Secret", secretName).Node, "data");
        string Pem(string key) => System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(data[key]));

        Path.GetFileName(workload.Flag(flag)).Should().Be("tls.crt");
        return (X509Certificate2.CreateFromPem(Pem("tls.crt"), Pem("tls.key")), X509Certificate2.CreateFromPem(Pem("ca.crt")));
    }

    /// <summary>The gateway's own check (Proxy.Tls.CertificateChains, as the channel uses it), and the key usage TLS needs for that side.</summary>
    private static bool Chains(X509Certificate2 certificate, X509Certificate2 root, string usage) =>
        Gateway.Proxy.Tls.CertificateChains.ChainsTo(certificate, [root])
        && certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages[usage] is not null);
}
