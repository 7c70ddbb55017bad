#include "label/provenance_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace concord::label {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-65536;
CREATE TABLE IF NOT EXISTS answers(
  id INTEGER PRIMARY KEY,
  cid TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  created TEXT NOT NULL,
  labels TEXT NOT NULL,
  sketch BLOB NOT NULL,
  manifest TEXT,
  signature TEXT);
CREATE INDEX IF NOT EXISTS answers_hash ON answers(hash);
DROP TABLE IF EXISTS bands;
)sql";
// (`bands` held 32 LSH rows per answer until the band index moved into memory, BandTable.)

constexpr size_t kMaxCandidates = 64;

// RAII prepared statement.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return ok_; }
  sqlite3_stmt* get() { return s_; }
  void text(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void blob(int i, std::string_view v) { sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void i64(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  int step() { return sqlite3_step(s_); }
  void reset() { sqlite3_reset(s_); sqlite3_clear_bindings(s_); }
  std::string col(int i) {
    const void* p = sqlite3_column_blob(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return p ? std::string(static_cast<const char*>(p), n) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

std::string labelsJson(const std::vector<LabelApplied>& labels) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& l : labels) a.push_back({{"rule", l.rule_id}, {"placement", l.placement}, {"text", l.text}});
  return a.dump();
}

std::vector<LabelApplied> parseLabels(const std::string& s) {
  std::vector<LabelApplied> out;
  nlohmann::json a = nlohmann::json::parse(s, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& l : a)
    if (l.is_object() && l.value("text", nlohmann::json()).is_string())
      out.push_back({l.value("rule", ""), l.value("placement", ""), l.value("text", "")});
  return out;
}

Error dbError(sqlite3* db, const std::string& what) {
  return makeError("label.index_db", what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

}  // namespace

Result<std::unique_ptr<ProvenanceIndex>> ProvenanceIndex::open(const std::string& path) {
  std::unique_ptr<ProvenanceIndex> idx(new ProvenanceIndex());
  if (sqlite3_open_v2(path.c_str(), &idx->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    Error e = dbError(idx->db_, "cannot open " + path);
    return e;
  }
  sqlite3_busy_timeout(idx->db_, 5000);
  char* err = nullptr;
  if (sqlite3_exec(idx->db_, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return makeError("label.index_db", "cannot create schema in " + path + ": " + msg);
  }
  idx->writer_ = std::thread([p = idx.get()] { p->writerLoop(); });
  return idx;
}

ProvenanceIndex::~ProvenanceIndex() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> l(q_mu_);
      stopping_ = true;
    }
    q_cv_.notify_all();
    writer_.join();
  }
  sqlite3_close(db_);
}

void ProvenanceIndex::enqueue(Pending p) {
  bool wake;
  {
    std::lock_guard<std::mutex> l(q_mu_);
    queue_.push_back(std::move(p));
    ++enqueued_;
    wake = queue_.size() == 1 || queue_.size() >= kMaxWriteBatch;  // idle, or a batch is full
  }
  if (wake) q_cv_.notify_one();
}

Status ProvenanceIndex::record(const Manifest& m, std::string_view answer_text, std::string canonical,
                               std::string signature_json) {
  Pending p;
  p.manifest = m;
  p.text.assign(answer_text);
  p.canonical = std::move(canonical);
  p.signature = std::move(signature_json);
  enqueue(std::move(p));
  return Status();
}

Status ProvenanceIndex::attachSignature(std::string_view cid, std::string_view canonical,
                                        std::string_view signature_json) {
  Pending p;
  p.is_signature = true;
  p.manifest.content_id.assign(cid);
  p.canonical.assign(canonical);
  p.signature.assign(signature_json);
  enqueue(std::move(p));
  return Status();
}

Status ProvenanceIndex::flush() {
  std::unique_lock<std::mutex> l(q_mu_);
  uint64_t target = enqueued_;
  ++flushing_;
  q_cv_.notify_one();
  done_cv_.wait(l, [&] { return written_ >= target; });
  --flushing_;
  if (!last_error_.empty()) {
    std::string e = std::move(last_error_);
    last_error_.clear();
    return makeError("label.index_db", e);
  }
  return Status();
}

void ProvenanceIndex::writerLoop() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> l(q_mu_);
      q_cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      // Let records gather: one transaction for many answers.
      q_cv_.wait_for(l, kWriteWait, [&] {
        return stopping_ || flushing_ > 0 || queue_.size() >= kMaxWriteBatch;
      });
      batch.swap(queue_);
    }
    Status s = writeBatch(batch);
    std::lock_guard<std::mutex> l(q_mu_);
    written_ += batch.size();
    if (!s.ok()) last_error_ = s.error().message;
    done_cv_.notify_all();
  }
}

Status ProvenanceIndex::writeBatch(std::vector<Pending>& batch) {
  // Sketch outside the database lock: it is the CPU part.
  std::vector<Sketch> sketches(batch.size());
  for (size_t i = 0; i < batch.size(); ++i)
    if (!batch[i].is_signature) sketches[i] = sketchText(normaliseForHash(batch[i].text, batch[i].manifest.labels));
  std::lock_guard<std::mutex> l(db_mu_);
  sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  Stmt ins(db_, "INSERT OR IGNORE INTO answers(cid,hash,created,labels,sketch,manifest,signature) "
                "VALUES(?,?,?,?,?,?,?)");
  Stmt sig(db_, "UPDATE answers SET manifest=?, signature=? WHERE cid=?");
  if (!ins.ok() || !sig.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return dbError(db_, "prepare");
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = batch[i];
    if (p.is_signature) {
      sig.text(1, p.canonical);
      sig.text(2, p.signature);
      sig.text(3, p.manifest.content_id);
      sig.step();
      sig.reset();
      continue;
    }
    ins.text(1, p.manifest.content_id);
    ins.text(2, p.manifest.text_hash);
    ins.text(3, p.manifest.created);
    ins.text(4, labelsJson(p.manifest.labels));
    ins.blob(5, sketches[i].toBytes());
    if (p.canonical.empty()) sqlite3_bind_null(ins.get(), 6);
    else ins.text(6, p.canonical);
    if (p.signature.empty()) sqlite3_bind_null(ins.get(), 7);
    else ins.text(7, p.signature);
    ins.step();
    ins.reset();
  }
  // In key order the B-tree inserts walk the pages once instead of jumping around.
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    Error e = dbError(db_, "commit");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e;
  }
  return Status();
}

Status ProvenanceIndex::catchUpBandsLocked() {
  Stmt q(db_, "SELECT id, sketch FROM answers WHERE id > ? ORDER BY id");
  if (!q.ok()) return dbError(db_, "band index");
  q.i64(1, bands_.lastRow());
  Sketch sk;
  while (q.step() == SQLITE_ROW) {
    const int64_t id = sqlite3_column_int64(q.get(), 0);
    const void* p = sqlite3_column_blob(q.get(), 1);
    const int n = sqlite3_column_bytes(q.get(), 1);
    if (!p || !Sketch::fromBytes(std::string_view(static_cast<const char*>(p), n), sk)) sk = Sketch{};
    bands_.add(id, sk);
  }
  return Status();
}

Result<IndexMatch> ProvenanceIndex::lookup(std::string_view text, double near_threshold) {
  Sketch probe = sketchText(text);
  std::string plain_hash = textHash(text, {});
  std::lock_guard<std::mutex> l(db_mu_);
  std::unordered_map<int64_t, int> hits;  // candidate id → band hits
  {
    Stmt q(db_, "SELECT id FROM answers WHERE hash=?");
    if (!q.ok()) return dbError(db_, "lookup");
    q.text(1, plain_hash);
    while (q.step() == SQLITE_ROW) hits[sqlite3_column_int64(q.get(), 0)] += kBands + 1;
  }
  if (probe.shingles > 0) {
    Status caught_up = catchUpBandsLocked();
    if (!caught_up.ok()) return caught_up.error();
    for (int64_t key : bandKeys(probe)) bands_.forEach(key, [&](int64_t id) { ++hits[id]; });
  }
  std::vector<std::pair<int, int64_t>> order;
  for (auto& [id, n] : hits) order.push_back({n, id});
  std::sort(order.rbegin(), order.rend());
  if (order.size() > kMaxCandidates) order.resize(kMaxCandidates);

  IndexMatch best;
  Stmt row(db_, "SELECT cid,hash,labels,sketch,manifest,signature FROM answers WHERE id=?");
  if (!row.ok()) return dbError(db_, "lookup");
  std::map<std::string, Sketch> stripped;  // label set → sketch of the text without them
  for (auto& [n, id] : order) {
    row.i64(1, id);
    if (row.step() != SQLITE_ROW) {
      row.reset();
      continue;
    }
    IndexMatch m;
    m.content_id = row.col(0);
    std::string hash = row.col(1), labels_text = row.col(2);
    Sketch stored;
    Sketch::fromBytes(row.col(3), stored);
    m.manifest = row.col(4);
    m.signature = row.col(5);
    row.reset();
    std::vector<LabelApplied> labels = parseLabels(labels_text);
    if (textHash(text, labels) == hash) {
      m.kind = IndexMatch::Kind::kExact;
      m.similarity = 1.0;
      return m;
    }
    double sim = similarity(probe, stored);
    if (!labels.empty()) {
      auto it = stripped.find(labels_text);
      if (it == stripped.end())
        it = stripped.emplace(labels_text, sketchText(normaliseForHash(text, labels))).first;
      sim = std::max(sim, similarity(it->second, stored));
    }
    if (sim >= near_threshold && sim > best.similarity) {
      m.kind = IndexMatch::Kind::kNear;
      m.similarity = sim;
      best = std::move(m);
    }
  }
  return best;
}

Result<IndexMatch> ProvenanceIndex::byContentId(std::string_view cid) {
  std::lock_guard<std::mutex> l(db_mu_);
  Stmt q(db_, "SELECT manifest,signature FROM answers WHERE cid=?");
  if (!q.ok()) return dbError(db_, "byContentId");
  q.text(1, cid);
  IndexMatch m;
  if (q.step() == SQLITE_ROW) {
    m.kind = IndexMatch::Kind::kExact;
    m.content_id.assign(cid);
    m.similarity = 1.0;
    m.manifest = q.col(0);
    m.signature = q.col(1);
  }
  return m;
}

Result<int64_t> ProvenanceIndex::size() {
  std::lock_guard<std::mutex> l(db_mu_);
  Stmt q(db_, "SELECT COUNT(*) FROM answers");
  if (!q.ok() || q.step() != SQLITE_ROW) return dbError(db_, "size");
  return static_cast<int64_t>(sqlite3_column_int64(q.get(), 0));
}

Result<int64_t> ProvenanceIndex::pruneBefore(std::string_view created_before) {
  Status flushed = flush();  // queued records must not reappear after the prune
  if (!flushed.ok()) return flushed.error();
  std::lock_guard<std::mutex> l(db_mu_);
  sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  Stmt answers(db_, "DELETE FROM answers WHERE created < ?");
  if (!answers.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return dbError(db_, "prune");
  }
  answers.text(1, created_before);
  if (answers.step() != SQLITE_DONE) {
    Error e = dbError(db_, "prune");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e;
  }
  int64_t n = sqlite3_changes(db_);
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return dbError(db_, "commit");
  bands_.clear();  // rebuilt without the pruned answers at the next lookup
  return n;
}

}  // namespace concord::label
