// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Cli;

/// <summary>Everything the command line sets (startup only).</summary>
public sealed class GatewayOptions
{
    public const int DefaultAdminPort = 9901;

    public string? ConfigDir { get; set; }
    public string ControllerName { get; set; } = Translation.TranslatorOptions.DefaultControllerName;
    public string? GatewayAddresses { get; set; }
    public string ListenAddress { get; set; } = "0.0.0.0";
    public string AdminAddress { get; set; } = "127.0.0.1";
    public int AdminPort { get; set; } = DefaultAdminPort;
    public string LogFormat { get; set; } = "text";
    public string LogLevel { get; set; } = "Information";
    public bool AccessLog { get; set; }
}
