// statusLine: "HTTP/1.1 <code> <reason>\r\n" for the statuses Concord sends. Pure; any thread.
#pragma once

#include <string>

namespace concord::http {

std::string statusLine(int status);

}  // namespace concord::http
