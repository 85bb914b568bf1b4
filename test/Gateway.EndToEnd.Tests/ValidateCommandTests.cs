// SPDX-License-Identifier: Apache-2.0
using Gateway.Cli.Validate;
using Gateway.EndToEnd.Tests.Lifecycle;

namespace Gateway.EndToEnd.Tests;

/// <summary>`gateway validate DIR` and `gateway --version`: what a user (or a CI pipeline) reads and the exit code.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly StandaloneExampleCopy _example = new("gateway-validate-");

    public void Dispose() => _example.Dispose();

    [Fact]
    public async Task StandaloneExample_IsValid_AndEveryObjectsConditionsArePrinted()
    {
        var (exit, lines) = await ValidateAsync();

        exit.Should().Be(0, string.Join('\n', lines));
        lines.Should().ContainInConsecutiveOrder("HTTPRoute default/hello", "  parent default/demo: Accepted=True Accepted", "  parent default/demo: ResolvedRefs=True ResolvedRefs");
        lines.Should().Contain(["Gateway default/demo", "  listener http: Programmed=True Programmed", "GatewayClass gateway", "  Accepted=True Accepted"]);
        lines[^1].Should().Be("valid");
    }

    [Fact]
    public async Task MisspelledFieldAndWrongType_AreErrorsWithFileLineAndFieldPath_InPlainWords()
    {
        Edit("routes.yaml", "      port: 80\n", "      port: 80\n      wieght: 5\n");
        Edit("gateway.yaml", "    port: 8080", "    port: eighty");

        var (exit, lines) = await ValidateAsync();

        exit.Should().Be(1);
        lines.Should().Equal(
            "gateway.yaml:19: error: Gateway default/demo: spec.listeners[0].port: must be a number, not \"eighty\"",
            "routes.yaml:24: error: HTTPRoute default/hello: spec.rules[0].backendRefs[0].wieght: unknown field; did you mean weight?",
            "2 error(s)");
    }

    [Fact]
    public async Task BackendThatDoesNotExist_FailsResolvedRefsWithTheReason()
    {
        Edit("routes.yaml", "    - name: echo\n", "    - name: ekho\n");

        var (exit, lines) = await ValidateAsync();

        exit.Should().Be(1);
        lines.Should().ContainSingle(l => l.StartsWith("  parent default/demo: ResolvedRefs=False BackendNotFound: ", StringComparison.Ordinal))
            .Which.Should().Contain("ekho");
        lines[^1].Should().Be("1 error(s)");
    }

    [Fact]
    public async Task FieldTheGatewayDoesNotRead_IsAWarningOnly()
    {
        Edit("backend.yaml", "spec:\n", "spec:\n  sessionAffinity: None\n");

        var (exit, lines) = await ValidateAsync();

        exit.Should().Be(0);
        lines.Should().Contain("backend.yaml:9: warning: Service default/echo: spec.sessionAffinity: not a field this gateway reads; it is ignored");
    }

    [Fact]
    public async Task TheExecutable_ValidateExitsNonZeroOnErrors_AndVersionPrintsTheVersion()
    {
        Edit("routes.yaml", "      port: 80\n", "      port: 80\n      wieght: 5\n");

        using var validate = GatewayProcess.Start("validate", _example.Dir);
        using var version = GatewayProcess.Start("--version");

        (await validate.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(1, validate.Output);
        validate.Output.Should().Contain("wieght: unknown field; did you mean weight?");
        (await version.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
        version.Output.Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_example.Dir, file);
        var text = File.ReadAllText(path);
        text.Should().Contain(from);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private async Task<(int Exit, string[] Lines)> ValidateAsync()
    {
        using var output = new StringWriter();
        var exit = await ValidateCommand.RunAsync(_example.Dir, Translation.TranslatorOptions.DefaultControllerName, output, CancellationToken.None);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
