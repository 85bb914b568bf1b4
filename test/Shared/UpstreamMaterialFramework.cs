// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Gateway.Tests.Shared;

/// <summary>Marks a test class (or a class fixture) that reads the upstream Gateway API material (<see cref="UpstreamMaterial"/>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
internal sealed class NeedsUpstreamMaterialAttribute : Attribute;

/// <summary>
/// xunit's framework, except that a run including a <see cref="NeedsUpstreamMaterialAttribute"/> class first finds the
/// upstream material, and without it ends the test host at once with one line saying what to provide, rather than
/// failing each of hundreds of tests with a stack trace. A test assembly opts in with
/// <c>[assembly: TestFramework(UpstreamMaterialFramework.TypeName, AssemblyName)]</c>.
/// </summary>
internal sealed class UpstreamMaterialFramework(IMessageSink diagnostics) : XunitTestFramework(diagnostics)
{
    public const string TypeName = "Gateway.Tests.Shared.UpstreamMaterialFramework";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        protected override void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            var cases = testCases.ToList();
            if (cases.Exists(NeedsMaterial) && !UpstreamMaterial.TryResolve(out _, out var problem))
            {
                // The test host's last words become dotnet test's one line: "Test host process crashed : <problem>".
                Console.Error.WriteLine(problem);
                Console.Error.Flush();
                Environment.Exit(2);
            }

            base.RunTestCases(cases, executionMessageSink, executionOptions);
        }

        /// <summary>The test class, or a class fixture it asks for, is marked.</summary>
        private static bool NeedsMaterial(IXunitTestCase testCase) =>
            testCase.TestMethod.TestClass.Class.ToRuntimeType() is { } type
            && type.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
                .Select(i => i.GetGenericArguments()[0])
                .Prepend(type)
                .Any(t => t.IsDefined(typeof(NeedsUpstreamMaterialAttribute), inherit: true));
    }
}
