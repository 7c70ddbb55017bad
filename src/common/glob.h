// globMatch: '*' matches any run of characters (also none); everything else matches itself.
// The one wildcard rule of Concord's data: finding kinds ("pii.*"), tool names ("transfer_*"),
// string values in packs. Pure function; any thread.
#pragma once

#include <string_view>

namespace concord {

bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace concord
