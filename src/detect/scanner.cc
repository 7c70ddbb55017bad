// Scanner: database build, block scan, validation, normalised and decoded rescans, overlap
// resolution. See scanner.h.
#include "detect/scanner.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "detect/decoder.h"
#include "detect/match_bounds.h"

namespace concord::detect {
namespace {

constexpr size_t kMaxMatches = 65536;  // per scan; more is an attack or a pathological text
constexpr int kMaxDepth = 2;           // decode-inside-decode depth


// Rank for overlap resolution between PII/secret findings: specific secrets beat PII, which
// beats the generic secret fallback.
int rank(std::string_view kind) {
  if (kind == kinds::kGenericSecret) return 0;
  if (isSecretKind(kind)) return 2;
  return 1;
}

}  // namespace

ScanScratch::~ScanScratch() {
  if (hs_) hs_free_scratch(hs_);
}

Scanner::~Scanner() {
  for (auto& g : groups_)
    if (g.db) hs_free_database(g.db);
  for (auto* db : confirm_)
    if (db) hs_free_database(db);
  if (block_) hs_free_database(block_);
  if (stream_) hs_free_database(stream_);
}

Result<std::shared_ptr<const Scanner>> Scanner::build(const ScannerOptions& options) {
  std::shared_ptr<Scanner> s(new Scanner(options));
  for (const auto& k : options.kinds) {
    auto interned = internKind(k);
    if (interned.empty()) return makeError("detect.unknown_kind", "unknown detector kind: " + k);
    s->kinds_.push_back(interned);
  }
  auto add = [&](std::span<const PatternSpec> table) {
    for (const auto& p : table) s->patterns_.push_back(&p);
  };
  if (options.pii) add(piiPatterns());
  if (options.secrets) add(secretPatterns());
  if (options.injection) add(injectionPatterns());
  add(internalPatterns());
  if (s->patterns_.empty()) return makeError("detect.empty", "no detector family is enabled");

  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < s->patterns_.size(); ++i) {
    const PatternSpec& p = *s->patterns_[i];
    exprs.push_back(p.regex);
    unsigned f = p.flags;
    flags.push_back(f);
    // Start of match is costly inside the big database (measured 4-20x slower), so the big
    // one reports ends only and each PII/secret pattern gets a small SOM database to locate
    // starts in a bounded window around its (rare) hits.
    hs_database_t* confirm = nullptr;
    uint32_t width = 256;
    if (p.family == Family::kPii || p.family == Family::kSecrets) {
      hs_compile_error_t* e = nullptr;
      if (hs_compile(p.regex, p.flags | HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &confirm, &e) != HS_SUCCESS) {
        std::string msg = e ? e->message : "unknown";
        if (e) hs_free_compile_error(e);
        return makeError("detect.compile", std::string(p.kind) + " pattern: " + msg);
      }
      hs_expr_info_t* info = nullptr;
      if (hs_expression_info(p.regex, p.flags, &info, &e) == HS_SUCCESS && info) {
        // Unbounded patterns (tokens, key = value) start close to their FIRST end, which is
        // where the window is measured from (ends that follow each other share one window), so
        // 256 bytes back is enough. Not so for JWTs (two unbounded segments before the first
        // end) and connection strings (long hosts and options first): 1024 as before.
        bool longHead = p.kind == kinds::kConnectionString || p.kind == kinds::kJwt;
        uint32_t unbounded = longHead ? 1024u : 256u;
        width = info->max_width == UINT_MAX ? unbounded : std::min(info->max_width, 1024u);
        free(info);
      } else if (e) {
        hs_free_compile_error(e);
      }
    }
    s->confirm_.push_back(confirm);
    s->maxWidth_.push_back(width);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* err = nullptr;
  // Big database: ungrouped patterns plus one cheap prefilter per group (measured ~2x faster
  // than the digit/e-mail patterns themselves on mixed EN/ZH/AR text).
  static constexpr const char* kPrefilters[kGroupCount] = {
      nullptr, "\\d{2}[ .\\-/]?\\d{2}[ .\\-/]?\\d", "@|[\\[\\(\\{<]\\s?at\\s?[\\]\\)\\}>]",
      "pwned|hacked|owned|prompt|instruction|message|rules|task|directive|orders|http|@|following|url|address|"
      "endpoint|assignment|goal|restriction|filter|guideline|limitation|polic"};
  // Longest digit item: IBAN with spaces, 42. Injection phrases: as far as a clause (240).
  static constexpr uint32_t kWindows[kGroupCount] = {0, 64, 160, 256};
  std::vector<const char*> mainExprs;
  std::vector<unsigned> mainFlags, mainIds;
  for (size_t i = 0; i < exprs.size(); ++i)
    if (s->patterns_[i]->group == 0) {
      mainExprs.push_back(exprs[i]);
      mainFlags.push_back(flags[i]);
      mainIds.push_back(ids[i]);
    }
  s->groups_.resize(kGroupCount);
  for (uint8_t g = 1; g < kGroupCount; ++g) {
    std::vector<const char*> ge;
    std::vector<unsigned> gf, gi;
    for (size_t i = 0; i < exprs.size(); ++i)
      if (s->patterns_[i]->group == g) {
        ge.push_back(exprs[i]);
        // Injection phrases are too large for start-of-match: their span starts at the clause.
        // The plain e-mail pattern (the one with a literal '@') costs 5 us a window with
        // start-of-match (its local part is unbounded) and 0.4 us without; its start is found
        // by walking back from the '@' instead (emailStart).
        const PatternSpec& ps = *s->patterns_[i];
        bool plainEmail = ps.kind == kinds::kEmail && std::string_view(ps.regex).find('@') != std::string_view::npos;
        if (plainEmail) s->plainEmail_ = ids[i];
        gf.push_back(g == kGroupInjectionWords || plainEmail ? flags[i] : flags[i] | HS_FLAG_SOM_LEFTMOST);
        gi.push_back(ids[i]);
      }
    if (ge.empty()) continue;
    s->groups_[g].window = kWindows[g];
    if (hs_compile_multi(ge.data(), gf.data(), gi.data(), static_cast<unsigned>(ge.size()), HS_MODE_BLOCK, nullptr,
                         &s->groups_[g].db, &err) != HS_SUCCESS) {
      std::string msg = err ? err->message : "unknown";
      if (err) hs_free_compile_error(err);
      return makeError("detect.compile", "group database: " + msg);
    }
    mainExprs.push_back(kPrefilters[g]);
    mainFlags.push_back(HS_FLAG_CASELESS);
    mainIds.push_back(static_cast<unsigned>(s->patterns_.size() + g));
  }
  if (hs_compile_multi(mainExprs.data(), mainFlags.data(), mainIds.data(), static_cast<unsigned>(mainExprs.size()),
                       HS_MODE_BLOCK, nullptr, &s->block_, &err) != HS_SUCCESS) {
    std::string msg = err ? err->message : "unknown";
    int which = err ? err->expression : -1;
    if (err) hs_free_compile_error(err);
    return makeError("detect.compile", "pattern " + std::to_string(which) + ": " + msg);
  }
  // Stream database: same ids, without the internal patterns (answers are not normalised).
  std::vector<const char*> sExprs;
  std::vector<unsigned> sFlags, sIds;
  for (size_t i = 0; i < s->patterns_.size(); ++i) {
    Family f = s->patterns_[i]->family;
    if (f == Family::kEncoded || f == Family::kSuspicious) continue;
    sExprs.push_back(exprs[i]);
    sFlags.push_back(flags[i]);
    sIds.push_back(ids[i]);
  }
  if (hs_compile_multi(sExprs.data(), sFlags.data(), sIds.data(), static_cast<unsigned>(sExprs.size()),
                       HS_MODE_STREAM | HS_MODE_SOM_HORIZON_MEDIUM, nullptr, &s->stream_, &err) != HS_SUCCESS) {
    std::string msg = err ? err->message : "unknown";
    if (err) hs_free_compile_error(err);
    return makeError("detect.compile", "stream database: " + msg);
  }
  return std::shared_ptr<const Scanner>(std::move(s));
}

Status Scanner::prepareScratch(ScanScratch& scratch, const hs_database_t* db) const noexcept {
  if (std::find(scratch.fitted_.begin(), scratch.fitted_.end(), db) != scratch.fitted_.end()) return {};
  if (hs_alloc_scratch(db, &scratch.hs_) != HS_SUCCESS)
    return makeError("detect.scratch", "cannot allocate Hyperscan scratch");
  for (const auto& g : groups_)
    if (g.db && hs_alloc_scratch(g.db, &scratch.hs_) != HS_SUCCESS)
      return makeError("detect.scratch", "cannot allocate Hyperscan scratch");
  for (auto* c : confirm_)
    if (c && hs_alloc_scratch(c, &scratch.hs_) != HS_SUCCESS)
      return makeError("detect.scratch", "cannot allocate Hyperscan scratch");
  try {
    scratch.fitted_.push_back(db);
  } catch (...) {
    return makeError("detect.scratch", "out of memory");
  }
  return {};
}

bool Scanner::kindWanted(std::string_view kind) const {
  if (kinds_.empty()) return true;
  return std::find(kinds_.begin(), kinds_.end(), kind) != kinds_.end();
}

namespace {
struct ScanCtx {
  ScanScratch* scratch;
  std::vector<RawMatch>* matches;
  const std::vector<const PatternSpec*>* patterns;
  bool* suspicious;
  bool* overflow;
};

int collect(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* p) {
  auto* c = static_cast<ScanCtx*>(p);
  if (id < c->patterns->size() && (*c->patterns)[id]->family == Family::kSuspicious) {
    *c->suspicious = true;
    return 0;
  }
  if (c->matches->size() >= kMaxMatches) {
    *c->overflow = true;
    return 1;  // stop: the text is pathological; what we have is reported
  }
  c->matches->push_back({id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
  return 0;
}
}  // namespace

namespace {
struct WindowCtx {
  std::vector<RawMatch>* out;
  uint32_t id;
  uint32_t offset;
};
int collectWindow(unsigned, unsigned long long from, unsigned long long to, unsigned, void* p) {
  auto* c = static_cast<WindowCtx*>(p);
  c->out->push_back({c->id, static_cast<uint32_t>(from) + c->offset, static_cast<uint32_t>(to) + c->offset});
  return 0;
}

bool inClass(char c, std::string_view enc) {
  if (enc == kEncBase64) return isAlnum(c) || c == '+' || c == '/' || c == '_' || c == '-' || c == '=';
  if (enc == kEncUrl) return c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '"' && c != '\'';
  if (enc == kEncUnicode || enc == kEncHex) return isAlnum(c) || c == '\\';
  return isAlnum(c) || c == '&' || c == '#' || c == ';';  // entities
}
}  // namespace

namespace {
struct GroupCtx {
  std::vector<RawMatch>* out;
  uint32_t offset;
  const Scanner* scanner;
};
int collectGroup(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* p) {
  auto* c = static_cast<GroupCtx*>(p);
  if (c->out->size() < kMaxMatches)
    c->out->push_back({id, static_cast<uint32_t>(from) + c->offset, static_cast<uint32_t>(to) + c->offset});
  return 0;
}
}  // namespace

Status Scanner::locateStarts(std::string_view text, ScanScratch& scratch, uint32_t id, const uint32_t* ends,
                             size_t n, std::vector<RawMatch>& out) const {
  const hs_database_t* db = confirm_[id];
  uint32_t width = maxWidth_[id];
  size_t i = 0;
  while (i < n) {
    uint32_t first = ends[i], last = ends[i];
    while (i + 1 < n && ends[i + 1] <= last + width) last = ends[++i];  // overlapping windows
    ++i;
    uint32_t wb = first > width ? first - width : 0;
    WindowCtx ctx{&out, id, wb};
    hs_error_t rc = hs_scan(db, text.data() + wb, last - wb, 0, scratch.hs_, collectWindow, &ctx);
    if (rc != HS_SUCCESS) return makeError("detect.scan", "Hyperscan window scan failed");
  }
  return {};
}

Status Scanner::validate(std::string_view text, ScanScratch& scratch, std::vector<RawMatch>& m,
                         std::vector<Finding>& out) const {
  // Group by id with a counting sort (Hyperscan delivers ends in increasing order, so each
  // id's ends stay sorted; checked, and sorted if a caller passed them otherwise).
  {
    std::vector<uint32_t>& counts = scratch.counts_;
    counts.assign(patterns_.size() + groups_.size() + 1, 0);
    for (const RawMatch& r : m) ++counts[r.id + 1];
    for (size_t k = 1; k < counts.size(); ++k) counts[k] += counts[k - 1];
    std::vector<RawMatch>& sorted = scratch.byId_;
    sorted.resize(m.size());
    for (const RawMatch& r : m) sorted[counts[r.id]++] = r;
    m.swap(sorted);
    auto byIdTo = [](const RawMatch& a, const RawMatch& b) { return a.id != b.id ? a.id < b.id : a.to < b.to; };
    if (!std::is_sorted(m.begin(), m.end(), byIdTo)) std::sort(m.begin(), m.end(), byIdTo);
  }
  std::vector<RawMatch>& located = scratch.located_;
  std::vector<uint32_t>& ends = scratch.ends_;
  located.clear();
  for (size_t i = 0; i < m.size();) {
    size_t j = i;
    while (j < m.size() && m[j].id == m[i].id) ++j;
    uint32_t id = m[i].id;
    if (id >= patterns_.size()) {  // a group prefilter: scan the group database around its hits
      const Group& g = groups_[id - patterns_.size()];
      for (size_t k = i; k < j;) {
        uint32_t first = m[k].to, last = m[k].to;
        while (k + 1 < j && m[k + 1].to <= last + g.window) last = m[++k].to;
        ++k;
        uint32_t wb = first > g.window ? first - g.window : 0;
        uint32_t we = std::min<uint32_t>(static_cast<uint32_t>(text.size()), last + g.window);
        if (id - patterns_.size() == kGroupDigits) shrinkToAscii(text, first, last, wb, we);
        GroupCtx ctx{&located, wb, this};
        size_t before = located.size();
        if (hs_scan(g.db, text.data() + wb, we - wb, 0, scratch.hs_, collectGroup, &ctx) != HS_SUCCESS)
          return makeError("detect.scan", "Hyperscan group scan failed");
        if (id - patterns_.size() == kGroupInjectionWords)
          for (size_t q = before; q < located.size(); ++q) located[q].from = clauseStart(text, located[q].to);
        for (size_t q = before; q < located.size(); ++q)
          if (located[q].id == plainEmail_) located[q].from = emailStart(text, located[q].to);
      }
      i = j;
      continue;
    }
    const PatternSpec& p = *patterns_[id];
    if (confirm_[id] && kindWanted(p.kind)) {
      ends.clear();
      for (size_t k = i; k < j; ++k) ends.push_back(m[k].to);
      Status st = locateStarts(text, scratch, id, ends.data(), ends.size(), located);
      if (!st.ok()) return st;
    } else if (p.family == Family::kInjection && kindWanted(p.kind)) {
      for (size_t k = i; k < j; ++k) located.push_back({id, clauseStart(text, m[k].to), m[k].to});
    } else if (p.family == Family::kEncoded) {
      for (size_t k = i; k < j; ++k) {
        uint32_t e = m[k].to, b = e;
        if (p.kind == kEncBase64 && e > 0 && !inClass(text[e - 1], p.kind)) e = --b;
        while (b > 0 && inClass(text[b - 1], p.kind)) --b;
        if (e > b) located.push_back({id, b, e});
      }
    }
    i = j;
  }
  // Keep the longest match per (pattern, start): Hyperscan reports every end offset.
  std::sort(located.begin(), located.end(), [](const RawMatch& a, const RawMatch& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.from != b.from) return a.from < b.from;
    return a.to > b.to;
  });
  m.clear();
  for (size_t i = 0; i < located.size(); ++i) {
    if (i > 0 && located[i].id == located[i - 1].id && located[i].from == located[i - 1].from) continue;
    const PatternSpec& p = *patterns_[located[i].id];
    if (p.family == Family::kEncoded) {
      m.push_back(located[i]);  // handed back for decoding
      continue;
    }
    if (!kindWanted(p.kind)) continue;
    Span span{located[i].from, located[i].to};
    float score = p.validate ? p.validate(text, span) : p.score;
    if (score <= 0 || score < options_.minScore) continue;
    std::string_view det = p.family == Family::kPii ? kDetectorPii
                           : p.family == Family::kSecrets ? kDetectorSecrets
                                                          : kDetectorInjection;
    out.push_back({p.kind, span.begin, span.end, score, det});
  }
  return {};
}

void Scanner::finish(std::vector<Finding>& f) const {
  // PII/secrets: greedy by (rank, score, length); a finding overlapping a kept one is dropped.
  // Injection: overlapping findings of the same kind collapse to the highest score.
  std::sort(f.begin(), f.end(), [](const Finding& a, const Finding& b) {
    bool ia = isInjectionKind(a.kind), ib = isInjectionKind(b.kind);
    if (ia != ib) return ia < ib;
    int ra = rank(a.kind), rb = rank(b.kind);
    if (!ia && ra != rb) return ra > rb;
    if (a.score != b.score) return a.score > b.score;
    return (a.end - a.begin) > (b.end - b.begin);
  });
  std::vector<Finding> kept;
  kept.reserve(f.size());
  for (const Finding& x : f) {
    bool clash = false;
    for (const Finding& k : kept) {
      bool overlap = x.begin < k.end && k.begin < x.end;
      if (!overlap) continue;
      bool inj = isInjectionKind(x.kind);
      if (inj != isInjectionKind(k.kind)) continue;
      if (!inj || x.kind == k.kind) {
        clash = true;
        break;
      }
    }
    if (!clash) kept.push_back(x);
  }
  std::sort(kept.begin(), kept.end(), [](const Finding& a, const Finding& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  f.swap(kept);
}

Status Scanner::scanAt(std::string_view text, ScanScratch& scratch, std::vector<Finding>& out, int depth) const {
  std::vector<RawMatch> local;  // nested scans must not clobber the caller's match buffer
  std::vector<RawMatch>& matches = depth == 0 ? scratch.matches_ : local;
  matches.clear();
  bool suspicious = false;
  ScanCtx ctx{&scratch, &matches, &patterns_, &suspicious, &scratch.overflow_};
  hs_error_t rc = hs_scan(block_, text.data(), static_cast<unsigned>(text.size()), 0, scratch.hs_, collect, &ctx);
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return makeError("detect.scan", "Hyperscan scan failed");

  std::vector<std::pair<uint32_t, uint32_t>> runs;
  prescanBytes(text, runs, suspicious);
  Status vst = validate(text, scratch, matches, out);
  if (!vst.ok()) return vst;

  // Encoded spans: decode (bounded) and rescan; findings inside map to the encoded span.
  if (options_.decode && depth < kMaxDepth) {
    std::vector<Span> spans;
    std::vector<std::pair<Span, std::string_view>> encoded;
    for (const auto& [b, e] : runs) encoded.push_back({Span{b, e}, kEncBase64});
    for (const RawMatch& r : matches)  // validate() left only the encoded spans here
      encoded.push_back({Span{r.from, r.to}, patterns_[r.id]->kind});
    for (const auto& [s, encKind] : encoded) {
      bool dup = false;
      for (const Span& o : spans) dup |= (o.begin <= s.begin && s.end <= o.end);
      if (dup || spans.size() >= kMaxDecodedSpans) continue;
      spans.push_back(s);
      std::string decoded;
      if (!decodeSpan(text.substr(s.begin, s.end - s.begin), encKind, decoded)) continue;
      std::vector<Finding> inner;
      Status st = scanAt(decoded, scratch, inner, depth + 1);
      if (!st.ok()) return st;
      for (const Finding& f : inner) {
        Finding g = f;
        g.begin = s.begin;
        g.end = s.end;
        if (isInjectionKind(f.kind)) g.kind = kinds::kInjEncoded;
        g.score = std::min(1.0f, f.score * 0.95f + (isInjectionKind(f.kind) ? 0.05f : 0.0f));
        if (kindWanted(g.kind)) out.push_back(g);
      }
    }
  }

  // Normalised rescan, only when the byte prescan saw something the normaliser would change.
  if (options_.normalise && suspicious && depth == 0) {
    NormalisedText& nt = scratch.normalised_;
    if (normalise(text, nt)) {
      std::vector<Finding> inner;
      Status st = scanAt(nt.text, scratch, inner, kMaxDepth - 1);
      if (!st.ok()) return st;
      for (Finding f : inner) {
        Span o = nt.toOriginal({f.begin, f.end});
        f.begin = o.begin;
        f.end = o.end;
        out.push_back(f);
      }
    }
  }
  return {};
}

Status Scanner::scan(std::string_view text, ScanScratch& scratch, std::vector<Finding>& out) const noexcept {
  if (text.size() > 0xFFFFFFFFu) return makeError("detect.too_large", "text larger than 4 GiB");
  try {
    Status st = prepareScratch(scratch, block_);
    if (!st.ok()) return st;
    scratch.overflow_ = false;
    std::vector<Finding> found;
    st = scanAt(text, scratch, found, 0);
    if (!st.ok()) return st;
    finish(found);
    out.insert(out.end(), found.begin(), found.end());
    return {};
  } catch (const std::exception& e) {
    return makeError("detect.internal", e.what());
  } catch (...) {
    return makeError("detect.internal", "unknown error");
  }
}

float injectionScore(std::span<const Finding> findings) {
  double keep = 1.0;
  for (const Finding& f : findings)
    if (isInjectionKind(f.kind)) keep *= 1.0 - std::clamp<double>(f.score, 0.0, 0.99);
  return static_cast<float>(1.0 - keep);
}

}  // namespace concord::detect
