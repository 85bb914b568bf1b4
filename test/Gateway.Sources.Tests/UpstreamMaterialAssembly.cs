// SPDX-License-Identifier: Apache-2.0
// Without the upstream Gateway API material, the run stops at once with one line saying what to provide.
[assembly: TestFramework(UpstreamMaterialFramework.TypeName, "Gateway.Sources.Tests")]
