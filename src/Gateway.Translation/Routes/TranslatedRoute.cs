// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Translation.Routes;

/// <summary>One route of this translation (fresh or replayed from the cache), not yet attached to its listeners.</summary>
internal sealed record TranslatedRoute(string Kind, ObjectMeta Metadata, CachedRoute Result);
