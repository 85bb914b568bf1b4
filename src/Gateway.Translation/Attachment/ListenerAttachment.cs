// SPDX-License-Identifier: Apache-2.0
using Gateway.Translation.Listeners;

namespace Gateway.Translation.Attachment;

/// <summary>A route attached to one listener, answering on these hostnames.</summary>
internal sealed record ListenerAttachment(ListenerPlan Listener, IReadOnlyList<string> Hosts);
