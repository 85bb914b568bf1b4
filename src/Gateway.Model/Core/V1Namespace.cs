// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Model.Core;

public sealed record V1Namespace : KubernetesObject;
