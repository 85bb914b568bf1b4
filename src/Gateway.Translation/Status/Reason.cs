// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Status;

/// <summary>Condition reasons, spelled as the Gateway API spells them.</summary>
public static class Reason
{
    // Shared.
    public const string Accepted = "Accepted";
    public const string Programmed = "Programmed";
    public const string ResolvedRefs = "ResolvedRefs";
    public const string Invalid = "Invalid";
    public const string Pending = "Pending";
    public const string RefNotPermitted = "RefNotPermitted";
    public const string Conflicted = "Conflicted";

    // GatewayClass.
    public const string InvalidParameters = "InvalidParameters";
    public const string SupportedVersion = "SupportedVersion";

    // Gateway.
    public const string ListenersNotValid = "ListenersNotValid";
    public const string UnsupportedAddress = "UnsupportedAddress";
    public const string AddressNotAssigned = "AddressNotAssigned";
    public const string NoResources = "NoResources";
    public const string AddressNotUsable = "AddressNotUsable";
    public const string InvalidClientCertificateRef = "InvalidClientCertificateRef";
    public const string ConfigurationChanged = "ConfigurationChanged";

    // ListenerSet.
    public const string NotAllowed = "NotAllowed";
    public const string ParentNotAccepted = "ParentNotAccepted";

    // Listener.
    public const string PortUnavailable = "PortUnavailable";
    public const string UnsupportedProtocol = "UnsupportedProtocol";
    public const string HostnameConflict = "HostnameConflict";
    public const string ProtocolConflict = "ProtocolConflict";
    public const string NoConflicts = "NoConflicts";
    public const string InvalidCertificateRef = "InvalidCertificateRef";
    public const string InvalidRouteKinds = "InvalidRouteKinds";
    public const string InvalidCACertificateRef = "InvalidCACertificateRef";
    public const string InvalidCACertificateKind = "InvalidCACertificateKind";
    public const string NoValidCACertificate = "NoValidCACertificate";

    // Route.
    public const string NotAllowedByListeners = "NotAllowedByListeners";
    public const string NoMatchingListenerHostname = "NoMatchingListenerHostname";
    public const string NoMatchingParent = "NoMatchingParent";
    public const string UnsupportedValue = "UnsupportedValue";
    public const string InvalidKind = "InvalidKind";
    public const string BackendNotFound = "BackendNotFound";
}
