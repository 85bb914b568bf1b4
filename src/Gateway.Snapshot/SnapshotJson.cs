// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

/// <summary>The one JSON form of a snapshot: /config, golden files and the config channel all use it.</summary>
public static class SnapshotJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(ProxySnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    /// <summary>The snapshot without private material: certificates keep only their id and fingerprint.</summary>
    public static string SerializeRedacted(ProxySnapshot snapshot) => Serialize(snapshot with
    {
        Certificates = [.. snapshot.Certificates.Select(c => c with { CertificatePem = null, PrivateKeyPem = null })],
    });
}
