// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// Frontend mutual TLS: client certificates must chain to CaCertificatesPem. With AllowInsecureFallback a client
/// without a valid certificate is still served.
/// </summary>
public sealed record ClientValidation(string CaCertificatesPem, bool AllowInsecureFallback);
