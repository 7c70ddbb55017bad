#include "audit/exporter.h"

#include <algorithm>

#include "audit/segment_format.h"

namespace concord::audit {
namespace {

std::string csvField(std::string s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string::npos;
  // Cells starting with = + - @ are formulas in spreadsheets: neutralise them.
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
    s = "'" + s;
    quote = true;
  }
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string str(const nlohmann::json& j, const char* k) {
  if (!j.contains(k)) return "";
  return j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
}

}  // namespace

Status forEachRecord(FileSystem& fs, const std::string& dir,
                     const std::function<bool(uint64_t, uint64_t, const ParsedRecord&, std::string_view)>& fn) {
  auto names = fs.list(dir);
  if (!names) return names.error();
  std::vector<uint64_t> segs;
  for (const auto& n : *names)
    if (auto s = parseSegmentName(n)) segs.push_back(*s);
  std::sort(segs.begin(), segs.end());
  for (uint64_t n : segs) {
    auto bytes = fs.readFile(joinPath(dir, segmentName(n)));
    if (!bytes) return bytes.error();
    for (const auto& f : scanFrames(*bytes).frames)
      if (auto p = parsePayload(f.payload))
        if (!fn(n, f.offset, *p, f.payload)) return {};
  }
  return {};
}

Result<size_t> exportRecords(FileSystem& fs, const std::string& dir, const RecordFilter& filter,
                             ExportFormat format, std::ostream& out) {
  size_t count = 0;
  if (format == ExportFormat::kCsv)
    out << "seq,ts_us,type,exchange_id,tenant,key_id,endpoint,model,upstream,status,action,rules,labels,"
           "findings,prompt_tokens,completion_tokens,total_tokens,overhead_us,total_us,content_mode\n";
  Status s = forEachRecord(fs, dir, [&](uint64_t, uint64_t, const ParsedRecord& r, std::string_view payload) {
    if (!matches(r, filter)) return true;
    if (format == ExportFormat::kJsonl) {
      out << payload << '\n';
    } else {
      const auto& j = r.json;
      std::string rules, labels, findings;
      auto add = [](std::string& list, const std::string& item) {
        if (!list.empty()) list.push_back(';');
        list.append(item);
      };
      if (j.contains("decision") && j["decision"].contains("rules"))
        for (const auto& rule : j["decision"]["rules"]) add(rules, str(rule, "id"));
      if (j.contains("labels"))
        for (const auto& l : j["labels"]) add(labels, l.is_string() ? l.get<std::string>() : std::string());
      if (j.contains("findings"))
        for (const auto& f : j["findings"]) add(findings, str(f, "kind"));
      auto sub = [&](const char* o, const char* k) { return j.contains(o) ? str(j[o], k) : std::string(); };
      out << r.chain.seq << ',' << r.chain.ts << ',' << csvField(r.type) << ',' << csvField(str(j, "exchange_id")) << ','
          << csvField(str(j, "tenant")) << ',' << csvField(str(j, "key_id")) << ',' << csvField(str(j, "endpoint")) << ','
          << csvField(str(j, "model")) << ',' << csvField(str(j, "upstream")) << ',' << str(j, "status") << ','
          << csvField(sub("decision", "action")) << ',' << csvField(rules) << ',' << csvField(labels) << ','
          << csvField(findings) << ',' << sub("usage", "prompt") << ',' << sub("usage", "completion") << ','
          << sub("usage", "total") << ',' << sub("latency", "overhead_us") << ',' << sub("latency", "total_us") << ','
          << csvField(sub("content", "mode")) << '\n';
    }
    ++count;
    return filter.limit == 0 || count < filter.limit;
  });
  if (!s) return s.error();
  return count;
}

}  // namespace concord::audit
