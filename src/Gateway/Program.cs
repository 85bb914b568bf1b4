// SPDX-License-Identifier: Apache-2.0
using Gateway.Cli;

return await CommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
