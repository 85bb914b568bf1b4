// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.EndToEnd.Tests.Observability;

/// <summary>Everything written to Console.Out while it lives (the gateway's log sink writes there), as whole lines.</summary>
internal sealed partial class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringBuilder _written = new();
    private readonly TextWriter _writer;

    public ConsoleCapture()
    {
        _writer = TextWriter.Synchronized(new StringWriter(_written));
        Console.SetOut(_writer);
    }

    public string[] Lines
    {
        get
        {
            lock (_writer) // A synchronized TextWriter locks itself while it writes.
            {
                // The text format colours its values with ANSI escapes; a reader of the line sees only the text.
                return AnsiEscape().Replace(_written.ToString(), "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    public void Dispose() => Console.SetOut(_original);
}
