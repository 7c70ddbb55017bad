#include "admin/admin_api.h"

#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "admin/admin_views.h"
#include "audit/file_system.h"
#include "store/key_listing.h"

namespace concord::admin {

namespace {

namespace asio = boost::asio;

std::string joinDir(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

Reply fromError(const Error& e) { return errorReply(statusFor(e.code), e.code, e.message); }

// The request body as a JSON object; an empty body is an empty object.
std::optional<nlohmann::json> bodyObject(const std::string& body) {
  if (body.empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Messages between the approval queue's thread and one stream's coroutine.
struct Inbox {
  std::mutex mu;
  std::deque<std::string> events;
  bool overflowed = false;
};

int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

AdminApi::AdminApi(oversight::ApprovalQueue& approvals, oversight::StopSwitch& stops, AdminTokens& tokens,
                   Metrics& metrics, store::KeyStore& keys, ProgramSource program, AdminApiOptions options)
    : approvals_(approvals), stops_(stops), tokens_(tokens), metrics_(metrics), keys_(keys),
      program_(std::move(program)), options_(std::move(options)) {
  if (options_.audit_index_path.empty() && !options_.audit_dir.empty())
    options_.audit_index_path = joinDir(options_.audit_dir, "index.sqlite");
}

AdminApi::~AdminApi() { shutdown(); }

std::optional<Reply> AdminApi::authorize(const http::Request& request, const RouteMatch& match, AdminIdentity& who) {
  auto id = tokens_.authenticate(request.authorization);
  if (!id) {
    if (id.error().code == "admin.invalid_token" || id.error().code == "admin.revoked_token") {
      auto r = errorReply(401, id.error().code, id.error().message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"concord-admin\"");
      return r;
    }
    return fromError(id.error());
  }
  who = std::move(id.value());
  if (who.role < match.role)
    return errorReply(403, "insufficient_role",
                      "this endpoint needs the " + std::string(roleName(match.role)) + " role; the token has " +
                          std::string(roleName(who.role)));
  return std::nullopt;
}

Reply AdminApi::dispatch(const http::Request& request) {
  const Target target = parseTarget(request.target);
  const RouteMatch match = matchRoute(request.method, target.path);
  if (match.route == Route::kNotFound)
    return errorReply(404, "unknown_route", "no admin route for " + request.method + " " + target.path);
  if (match.route == Route::kMethodNotAllowed)
    return errorReply(405, "method_not_allowed", request.method + " is not allowed on " + target.path);
  if (match.route == Route::kConsole) return console(target);
  AdminIdentity who;
  if (auto denied = authorize(request, match, who)) return std::move(*denied);
  if (match.route == Route::kApprovalsStream)
    return errorReply(400, "stream_only", "the approvals stream is served by handle()");
  return route(Call{request, target, match, who});
}

Reply AdminApi::route(const Call& call) {
  switch (call.match.route) {
    case Route::kWhoAmI:
      return jsonReply(200, nlohmann::json{{"token_id", call.who.token_id},
                                           {"role", roleName(call.who.role)},
                                           {"label", call.who.label}}.dump());
    case Route::kApprovals: return approvals();
    case Route::kApproval: return approval(call);
    case Route::kApprove: return decide(call, true);
    case Route::kDeny: return decide(call, false);
    case Route::kStop: return stopOrResume(call, true);
    case Route::kResume: return stopOrResume(call, false);
    case Route::kStops: return stops();
    case Route::kKeys: return keys();
    case Route::kTokens: return tokens();
    case Route::kAuditQuery: return auditQuery(call);
    case Route::kAuditRecord: return auditRecord(call);
    case Route::kAuditVerify: return auditVerify(call);
    case Route::kPacks: return packs();
    case Route::kCrosswalk: return crosswalk(call, false);
    case Route::kConsensus: return crosswalk(call, true);
    case Route::kFigures: return figures();
    default: return errorReply(404, "unknown_route", "no such admin route");
  }
}

Reply AdminApi::approvals() {
  nlohmann::json pending = nlohmann::json::array(), recent = nlohmann::json::array();
  for (const auto& r : approvals_.pendingRecords()) pending.push_back(oversight::toJson(r));
  for (const auto& r : approvals_.recent(50))
    if (r.state != oversight::ApprovalState::kPending) recent.push_back(oversight::toJson(r));
  return jsonReply(200, nlohmann::json{{"pending", std::move(pending)}, {"recent", std::move(recent)}}.dump());
}

Reply AdminApi::approval(const Call& call) {
  auto r = approvals_.record(call.match.param);
  if (!r) return fromError(r.error());
  return jsonReply(200, oversight::toJson(*r).dump());
}

Reply AdminApi::decide(const Call& call, bool approve) {
  const auto body = bodyObject(call.request.body);
  if (!body) return errorReply(400, "invalid_json", "the body must be a JSON object like {\"reason\":\"...\"}");
  const std::string reason = str(*body, "reason");
  if (!approve && reason.empty())
    return errorReply(400, "reason_required", "a denial needs a reason: the client is told it");
  if (reason.size() > 2000) return errorReply(400, "reason_too_long", "the reason is limited to 2000 bytes");
  const std::string actor = call.who.actor();
  const auto& id = call.match.param;
  const Status s = approve ? approvals_.approve(id, actor, reason) : approvals_.deny(id, actor, reason);
  if (!s && s.error().code != "oversight.expired") return fromError(s.error());
  auto r = approvals_.record(id);
  event("approval_decided", {{"id", id},
                             {"outcome", r ? std::string(oversight::stateName(r->state)) : "unknown"},
                             {"actor", actor},
                             {"reason", reason}});
  if (!s) return fromError(s.error());
  if (!r) return fromError(r.error());
  return jsonReply(200, oversight::toJson(*r).dump());
}

Reply AdminApi::stopOrResume(const Call& call, bool stop) {
  const auto body = bodyObject(call.request.body);
  if (!body) return errorReply(400, "invalid_json", "the body must be a JSON object");
  const std::string scope_text = str(*body, "scope").empty() ? "global" : str(*body, "scope");
  const auto scope = oversight::parseScope(scope_text);
  if (!scope) return errorReply(400, "invalid_scope", "scope must be global, tenant, model or upstream");
  const std::string value = str(*body, "value"), reason = str(*body, "reason");
  const std::string actor = call.who.actor();
  const Status s = stop ? stops_.stop(*scope, value, reason, actor) : stops_.resume(*scope, value, actor);
  if (!s) return fromError(s.error());
  nlohmann::json detail = {{"scope", scope_text}, {"value", value}, {"actor", actor}};
  if (stop) detail["reason"] = reason;
  event(stop ? "stop" : "resume", detail);
  nlohmann::json active = nlohmann::json::array();
  for (const auto& st : stops_.active()) active.push_back(oversight::toJson(st));
  return jsonReply(200, nlohmann::json{{stop ? "stopped" : "resumed", detail}, {"stops", std::move(active)}}.dump());
}

Reply AdminApi::stops() {
  nlohmann::json active = nlohmann::json::array();
  for (const auto& st : stops_.active()) active.push_back(oversight::toJson(st));
  return jsonReply(200, nlohmann::json{{"stops", std::move(active)}, {"generation", stops_.generation()}}.dump());
}

Reply AdminApi::keys() {
  auto list = keys_.list();
  if (!list) return fromError(list.error());
  return jsonReply(200, nlohmann::json{{"keys", store::keysToJson(*list)}}.dump());
}

Reply AdminApi::tokens() {
  auto list = tokens_.list();
  if (!list) return fromError(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : *list)
    out.push_back({{"id", t.id},
                   {"role", roleName(t.role)},
                   {"label", t.label},
                   {"last4", t.last4},
                   {"created_at", store::formatTime(t.created_at)},
                   {"status", t.revoked_at ? "revoked" : "active"}});
  return jsonReply(200, nlohmann::json{{"tokens", std::move(out)}}.dump());
}

Reply AdminApi::auditQuery(const Call& call) {
  if (options_.audit_dir.empty())
    return errorReply(501, "audit_not_configured", "this gateway has no audit directory configured");
  auto filter = auditFilter(call.target.query);
  if (!filter) return fromError(filter.error());
  auto j = auditQueryJson(audit::PosixFileSystem::instance(), options_.audit_dir, options_.audit_index_path, *filter);
  if (!j) return fromError(j.error());
  return jsonReply(200, j->dump());
}

Reply AdminApi::auditRecord(const Call& call) {
  if (options_.audit_dir.empty())
    return errorReply(501, "audit_not_configured", "this gateway has no audit directory configured");
  char* end = nullptr;
  const unsigned long long seq = std::strtoull(call.match.param.c_str(), &end, 10);
  if (*end) return errorReply(400, "bad_seq", "the record is named by its sequence number");
  auto j = auditRecordJson(audit::PosixFileSystem::instance(), options_.audit_dir, seq);
  if (!j) return fromError(j.error());
  return jsonReply(200, j->dump());
}

Reply AdminApi::auditVerify(const Call& call) {
  if (options_.audit_dir.empty())
    return errorReply(501, "audit_not_configured", "this gateway has no audit directory configured");
  const auto body = bodyObject(call.request.body);
  if (!body) return errorReply(400, "invalid_json", "the body must be a JSON object");
  const bool require_sealed = body->value("require_sealed", false);
  auto j = auditVerifyJson(audit::PosixFileSystem::instance(), options_.audit_dir, options_.audit_pubkeys,
                           require_sealed);
  if (!j) return fromError(j.error());
  return jsonReply(200, j->dump());
}

std::shared_ptr<const policy::Program> AdminApi::currentProgram() {
  if (program_)
    if (auto p = program_()) return p;
  std::lock_guard lock(fallback_mu_);
  if (!fallback_program_ && fallback_error_.empty()) {
    policy::LoadOptions lo;
    lo.vocabulary_path = joinDir(options_.packs_dir, "vocabulary.yaml");
    lo.pack_paths = {options_.packs_dir};
    auto p = policy::loadProgram(lo);
    if (p) fallback_program_ = *p;
    else fallback_error_ = p.error().message;
  }
  return fallback_program_;
}

Reply AdminApi::packs() {
  auto program = currentProgram();
  if (!program) return errorReply(503, "no_policy", "no policy program is loaded: " + fallback_error_);
  return jsonReply(200, packsJson(*program).dump());
}

Reply AdminApi::crosswalk(const Call& call, bool consensus) {
  auto it = call.target.query.find("jurisdictions");
  const auto chosen = parseJurisdictions(it == call.target.query.end() ? "" : it->second);
  if (!chosen)
    return errorReply(400, "bad_jurisdictions", "jurisdictions: a comma-separated list such as EU,CN,US-CA (1-12)");
  auto program = currentProgram();
  if (!program) return errorReply(503, "no_policy", "no policy program is loaded: " + fallback_error_);
  const auto j = consensus ? consensusJson(*program, *chosen) : crosswalkJson(*program, *chosen);
  return jsonReply(200, j.dump());
}

Reply AdminApi::figures() {
  auto j = figuresJson(metrics_);
  j["pending_approvals"] = approvals_.pendingCount();
  nlohmann::json active = nlohmann::json::array();
  for (const auto& st : stops_.active()) active.push_back(oversight::toJson(st));
  j["stops"] = std::move(active);
  return jsonReply(200, j.dump());
}

Reply AdminApi::console(const Target& target) {
  const auto file = consoleFile(options_.console_dir, target.path);
  if (!file) return errorReply(404, "not_found", "no such console file");
  std::ifstream in(*file, std::ios::binary);
  if (!in) {
    if (file->ends_with("/index.html") && (target.path == "/" || target.path.starts_with("/console")))
      return errorReply(404, "console_not_built",
                        "the console is not built: run `npm ci && npm run build` in console/ (looked in " +
                            options_.console_dir + ")");
    return errorReply(404, "not_found", "no such console file");
  }
  std::ostringstream body;
  body << in.rdbuf();
  Reply r{200, std::string(contentTypeFor(*file)), body.str(), {}};
  // The console makes no request but to this listener: the browser enforces it.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

void AdminApi::event(std::string_view name, const nlohmann::json& detail) {
  if (options_.on_event) options_.on_event(name, detail);
}

asio::awaitable<void> AdminApi::handle(http::Request& request, http::ResponseSink& sink) {
  const Target target = parseTarget(request.target);
  const RouteMatch match = matchRoute(request.method, target.path);
  if (match.route == Route::kApprovalsStream) {
    AdminIdentity who;
    auto denied = authorize(request, match, who);
    if (!denied) {
      co_await stream(sink);
      co_return;
    }
    const Reply r = std::move(*denied);
    std::vector<http::Header> headers{{"Content-Type", r.content_type}};
    for (const auto& [n, v] : r.headers) headers.push_back({n, v});
    co_await sink.send(r.status, headers, r.body);
    co_return;
  }
  const Reply r = dispatch(request);
  std::vector<http::Header> headers{{"Content-Type", r.content_type}};
  for (const auto& [n, v] : r.headers) headers.push_back({n, v});
  co_await sink.send(r.status, headers, request.method == "HEAD" ? std::string_view() : std::string_view(r.body));
}

asio::awaitable<void> AdminApi::stream(http::ResponseSink& sink) {
  auto inbox = std::make_shared<Inbox>();
  // Unsubscribes however the coroutine ends (client gone, shutdown, or destroyed).
  struct Subscription {
    oversight::ApprovalQueue& q;
    uint64_t id;
    std::atomic<int64_t>& open;
    ~Subscription() {
      q.unsubscribe(id);
      open.fetch_sub(1);
    }
  };
  open_streams_.fetch_add(1);
  Subscription sub{approvals_, approvals_.subscribe([inbox](const std::string& e) {
                     std::lock_guard lock(inbox->mu);
                     if (inbox->events.size() >= 1000) {
                       inbox->events.pop_front();
                       inbox->overflowed = true;
                     }
                     inbox->events.push_back(e);
                   }),
                   open_streams_};
  const http::Header headers[] = {{"Content-Type", "text/event-stream"},
                                  {"Cache-Control", "no-cache"},
                                  {"X-Accel-Buffering", "no"}};
  if (!co_await sink.beginStream(200, headers)) co_return;
  // First write: the head and a comment, so the client knows the stream is live.
  if (!co_await sink.sendChunk(": connected\nretry: 2000\n\n")) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  int64_t last_write = steadyMillis();
  std::string out;
  while (!shutting_down_.load()) {
    timer.expires_after(std::chrono::milliseconds(options_.stream_poll_ms));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    out.clear();
    {
      std::lock_guard lock(inbox->mu);
      if (inbox->overflowed) {
        out += "event: resync\ndata: {}\n\n";  // the console reloads the list
        inbox->overflowed = false;
      }
      for (const auto& e : inbox->events) {
        out += "event: approval\ndata: ";
        out += e;
        out += "\n\n";
      }
      inbox->events.clear();
    }
    const int64_t now = steadyMillis();
    if (out.empty() && now - last_write >= options_.keepalive_ms) out = ": keep-alive\n\n";
    if (out.empty()) continue;
    if (!co_await sink.sendChunk(out)) co_return;  // the client left
    last_write = now;
  }
  co_await sink.endStream();
}

}  // namespace concord::admin
