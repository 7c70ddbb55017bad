// appendJsonEscaped: appends `text` to `out` as the inside of a JSON string literal (no quotes),
// escaping quotes, backslashes and control characters; other bytes (UTF-8 included) pass as
// they are. The one escaper of the code base (API errors, labels, records). Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace concord {

void appendJsonEscaped(std::string& out, std::string_view text);

}  // namespace concord
