// Small pure pieces of the admin API's HTTP handling, kept apart from the handler so they are
// unit-tested without sockets: splitting a target into path and query, percent-decoding,
// routing a (method, path) to an endpoint with the role it needs, OpenAI-shaped error bodies,
// and resolving console files safely. Plain functions; any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_tokens.h"

namespace concord::admin {

// What the handler answers with (everything but the SSE stream).
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

enum class Route {
  kNotFound,
  kMethodNotAllowed,
  kConsole,          // GET / and /console/*: static files, no token needed
  kWhoAmI,           // GET /admin/whoami
  kApprovals,        // GET /admin/approvals
  kApprovalsStream,  // GET /admin/approvals/stream (SSE)
  kApproval,         // GET /admin/approvals/{id}
  kApprove,          // POST /admin/approvals/{id}/approve
  kDeny,             // POST /admin/approvals/{id}/deny
  kStop,             // POST /admin/stop
  kResume,           // POST /admin/resume
  kStops,            // GET /admin/stops
  kKeys,             // GET /admin/keys
  kTokens,           // GET /admin/tokens
  kAuditQuery,       // GET /admin/audit/query
  kAuditRecord,      // GET /admin/audit/records/{seq}
  kAuditVerify,      // POST /admin/audit/verify
  kPacks,            // GET /admin/packs
  kCrosswalk,        // GET /admin/crosswalk
  kConsensus,        // GET /admin/consensus
  kFigures,          // GET /admin/figures
};

struct RouteMatch {
  Route route = Route::kNotFound;
  std::string param;     // {id} or {seq}
  Role role = Role::kViewer;  // least role that may call it
};

RouteMatch matchRoute(std::string_view method, std::string_view path);

struct Target {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;  // decoded; a repeated name keeps the last
};
Target parseTarget(std::string_view target);

// %XX and '+' (as space) decoded; a malformed escape is kept as it is.
std::string percentDecode(std::string_view s);

// {"error":{"message","type","code"}} with the given status.
Reply errorReply(int status, std::string_view code, std::string_view message);
Reply jsonReply(int status, std::string body);

// Maps an Error code from oversight/admin/store to an HTTP status (404, 409, 410, 400, 500).
int statusFor(std::string_view error_code);

// The file under `root` that serves `path` ("/" and "/console/" give index.html), or nullopt
// for anything that could leave the root (.., backslashes, NUL, hidden files).
std::optional<std::string> consoleFile(std::string_view root, std::string_view path);
std::string_view contentTypeFor(std::string_view file);

// "EU, CN,US-CA" -> {"EU","CN","US-CA"}; at most 12 items, each [A-Za-z0-9-]{1,16}; nullopt otherwise.
std::optional<std::vector<std::string>> parseJurisdictions(std::string_view text);

}  // namespace concord::admin
