#include "admin/admin_http.h"

#include <nlohmann/json.hpp>

namespace concord::admin {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

bool validId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

RouteMatch matchRoute(std::string_view method, std::string_view path) {
  const bool get = method == "GET" || method == "HEAD";
  const bool post = method == "POST";
  auto only = [&](bool allowed, Route r, Role role = Role::kViewer, std::string param = {}) {
    return allowed ? RouteMatch{r, std::move(param), role} : RouteMatch{Route::kMethodNotAllowed, {}, role};
  };
  if (path == "/" || path == "/console" || path.starts_with("/console/")) return only(get, Route::kConsole);
  const auto s = segments(path);
  if (s.size() < 2 || s[0] != "admin") return {};
  const auto n = s.size();
  if (n == 2) {
    if (s[1] == "whoami") return only(get, Route::kWhoAmI);
    if (s[1] == "approvals") return only(get, Route::kApprovals);
    if (s[1] == "stop") return only(post, Route::kStop, Role::kAdmin);
    if (s[1] == "resume") return only(post, Route::kResume, Role::kAdmin);
    if (s[1] == "stops") return only(get, Route::kStops);
    if (s[1] == "keys") return only(get, Route::kKeys);
    if (s[1] == "tokens") return only(get, Route::kTokens, Role::kAdmin);
    if (s[1] == "packs") return only(get, Route::kPacks);
    if (s[1] == "crosswalk") return only(get, Route::kCrosswalk);
    if (s[1] == "consensus") return only(get, Route::kConsensus);
    if (s[1] == "figures") return only(get, Route::kFigures);
    return {};
  }
  if (s[1] == "approvals") {
    if (n == 3 && s[2] == "stream") return only(get, Route::kApprovalsStream);
    if (!validId(s[2])) return {};
    if (n == 3) return only(get, Route::kApproval, Role::kViewer, std::string(s[2]));
    if (n == 4 && s[3] == "approve") return only(post, Route::kApprove, Role::kApprover, std::string(s[2]));
    if (n == 4 && s[3] == "deny") return only(post, Route::kDeny, Role::kApprover, std::string(s[2]));
    return {};
  }
  if (s[1] == "audit") {
    if (n == 3 && s[2] == "query") return only(get, Route::kAuditQuery);
    if (n == 3 && s[2] == "verify") return only(post, Route::kAuditVerify);
    if (n == 4 && s[2] == "records" && validId(s[3]))
      return only(get, Route::kAuditRecord, Role::kViewer, std::string(s[3]));
  }
  return {};
}

std::string percentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Target parseTarget(std::string_view target) {
  Target t;
  const size_t q = target.find('?');
  t.path = percentDecode(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  if (const size_t h = rest.find('#'); h != std::string_view::npos) rest = rest.substr(0, h);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      t.query[percentDecode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : percentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return t;
}

Reply jsonReply(int status, std::string body) { return Reply{status, "application/json", std::move(body), {}}; }

Reply errorReply(int status, std::string_view code, std::string_view message) {
  std::string type = "invalid_request_error";
  if (status == 401) type = "authentication_error";
  else if (status == 403) type = "permission_error";
  else if (status == 404) type = "not_found_error";
  else if (status >= 500) type = "server_error";
  nlohmann::json j = {{"error", {{"message", message}, {"type", type}, {"code", code}}}};
  return jsonReply(status, j.dump());
}

int statusFor(std::string_view code) {
  if (code == "oversight.not_found" || code == "admin.token_not_found" || code == "admin.not_found") return 404;
  if (code == "oversight.not_pending" || code == "oversight.not_stopped" || code == "oversight.already_used")
    return 409;
  if (code == "oversight.expired") return 410;
  if (code == "oversight.invalid" || code == "admin.bad_request" || code == "admin.invalid_label") return 400;
  if (code == "admin.not_implemented") return 501;
  return 500;
}

std::optional<std::string> consoleFile(std::string_view root, std::string_view path) {
  std::string_view rel;
  if (path == "/" || path == "/console" || path == "/console/") rel = "index.html";
  else if (path.starts_with("/console/")) rel = path.substr(9);
  else return std::nullopt;
  if (rel.empty() || rel.size() > 200) return std::nullopt;
  for (char c : rel)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_' || c == '/'))
      return std::nullopt;
  // No "..", no hidden files, no empty segments.
  for (const auto seg : segments(rel))
    if (seg.starts_with(".")) return std::nullopt;
  if (rel.find("//") != std::string_view::npos || rel.starts_with("/")) return std::nullopt;
  std::string out(root);
  if (out.empty()) out = ".";
  if (out.back() != '/') out += '/';
  out += rel;
  return out;
}

std::string_view contentTypeFor(std::string_view file) {
  auto ends = [&](std::string_view ext) { return file.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::vector<std::string>> parseJurisdictions(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view item = text.substr(i, j - i);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      if (item.size() > 16) return std::nullopt;
      for (char c : item)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
          return std::nullopt;
      out.emplace_back(item);
    }
    i = j + 1;
  }
  if (out.empty() || out.size() > 12) return std::nullopt;
  return out;
}

}  // namespace concord::admin
