// AdminApi: the admin listener's handler (DESIGN.md "Interfaces"): JSON endpoints for
// approvals (list, SSE stream, approve, deny), the stop switch, keys, audit query/verify,
// packs, crosswalk, consensus and live figures, behind admin tokens with roles; and the web
// console's static files. Every endpoint is listed in docs/admin-api.md.
//
// Ownership: holds references to the gateway's long-lived objects (they must outlive it); the
// policy program is fetched through `program` on every call, so a reload is seen at once.
// Threads: handle() runs on the admin listener's worker threads, any number at once; all the
// objects it uses are thread-safe. Audit verify/query read files on the calling worker: the
// admin listener is apart from the gateway's, so a long verify never delays client traffic.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "admin/admin_http.h"
#include "admin/admin_tokens.h"
#include "admin/metrics.h"
#include "http/request.h"
#include "http/response_sink.h"
#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"
#include "policy/program.h"
#include "store/key_store.h"

namespace concord::admin {

struct AdminApiOptions {
  std::string console_dir = "console/dist";  // built console (npm run build in console/)
  std::string packs_dir = "packs";           // used only when `program` returns null
  std::string audit_dir;                     // empty: audit endpoints answer 501
  std::string audit_index_path;              // default <audit_dir>/index.sqlite
  std::vector<std::string> audit_pubkeys;    // trusted checkpoint keys (PEM) for verify
  int64_t keepalive_ms = 15'000;             // SSE comment keep-alives
  int64_t stream_poll_ms = 100;              // how often a stream looks for new events
  // Called after every state change made through the API, for the audit trail:
  // ("approval_decided", {"id","outcome","actor","reason"}), ("stop", {"scope","value",
  // "reason","actor"}), ("resume", {"scope","value","actor"}). Any thread.
  std::function<void(std::string_view event, const nlohmann::json& detail)> on_event;
};

class AdminApi {
 public:
  using ProgramSource = std::function<std::shared_ptr<const policy::Program>()>;

  AdminApi(oversight::ApprovalQueue& approvals, oversight::StopSwitch& stops, AdminTokens& tokens,
           Metrics& metrics, store::KeyStore& keys, ProgramSource program, AdminApiOptions options);
  ~AdminApi();

  // An http::Listener handler: `Listener(opts, [&api](auto& rq, auto& sink) { return api.handle(rq, sink); })`.
  boost::asio::awaitable<void> handle(http::Request& request, http::ResponseSink& sink);

  // Everything but the SSE stream, as a plain function (tests call it directly).
  Reply dispatch(const http::Request& request);

  // Ends open SSE streams within one poll period (call before Listener::stop).
  void shutdown() { shutting_down_.store(true); }
  int64_t openStreams() const { return open_streams_.load(); }

 private:
  struct Call {
    const http::Request& request;
    const Target& target;
    const RouteMatch& match;
    const AdminIdentity& who;
  };
  // nullopt: allowed; else the 401/403 reply.
  std::optional<Reply> authorize(const http::Request& request, const RouteMatch& match, AdminIdentity& who);
  Reply route(const Call& call);
  Reply approvals();
  Reply approval(const Call& call);
  Reply decide(const Call& call, bool approve);
  Reply stopOrResume(const Call& call, bool stop);
  Reply stops();
  Reply keys();
  Reply tokens();
  Reply auditQuery(const Call& call);
  Reply auditRecord(const Call& call);
  Reply auditVerify(const Call& call);
  Reply packs();
  Reply crosswalk(const Call& call, bool consensus);
  Reply figures();
  Reply console(const Target& target);
  std::shared_ptr<const policy::Program> currentProgram();
  boost::asio::awaitable<void> stream(http::ResponseSink& sink);
  void event(std::string_view name, const nlohmann::json& detail);

  oversight::ApprovalQueue& approvals_;
  oversight::StopSwitch& stops_;
  AdminTokens& tokens_;
  Metrics& metrics_;
  store::KeyStore& keys_;
  ProgramSource program_;
  AdminApiOptions options_;
  std::mutex fallback_mu_;
  std::shared_ptr<const policy::Program> fallback_program_;  // loaded from packs_dir once
  std::string fallback_error_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<int64_t> open_streams_{0};
};

}  // namespace concord::admin
