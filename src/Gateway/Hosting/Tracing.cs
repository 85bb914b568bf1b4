// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Hosting;

/// <summary>
/// Trace export, on only when the environment names an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
/// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_TRACES_EXPORTER=none turns it off). The exporter reads the other standard
/// OTEL_* variables itself (protocol, headers, timeout, OTEL_BSP_* batching, OTEL_SERVICE_NAME). Which requests get
/// a span is the proxy's decision (ProxyConfig spec.tracing.samplingRatio), so the SDK's own sampler takes them all.
/// Without an endpoint nothing listens to the proxy's ActivitySource and no request creates an Activity.
/// </summary>
internal static class Tracing
{
    public static bool Enabled(IConfiguration configuration) =>
        !string.Equals(configuration["OTEL_TRACES_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase)
        && (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]));

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        if (!Enabled(configuration))
        {
            return;
        }

        var serviceNameGiven = !string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]);
        services.AddOpenTelemetry().WithTracing(tracing =>
        {
            if (!serviceNameGiven)
            {
                tracing.ConfigureResource(resource => resource.AddService("gateway"));
            }

            tracing.AddSource(ProxyTracing.SourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter();
        });
    }
}
