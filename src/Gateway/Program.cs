// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Gateway.Cli;

// SIGTERM and Ctrl-C are the host's to handle (drain, then a graceful stop): System.CommandLine would otherwise
// cancel the action and end the process 2 s later, whatever is still in flight.
return await CommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
