// Export: the records of an audit directory, in order, as JSON lines (the stored payloads,
// verbatim) or CSV (one row per record, fixed columns), filtered. Reads segments directly, so
// it works without the index. Off the request path; any thread.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "audit/file_system.h"
#include "audit/record_filter.h"
#include "common/result.h"

namespace concord::audit {

enum class ExportFormat { kJsonl, kCsv };

// Returns how many records were written.
Result<size_t> exportRecords(FileSystem& fs, const std::string& dir, const RecordFilter& filter,
                             ExportFormat format, std::ostream& out);

// Calls `fn(segment, offset, record)` for every readable record, in segment order.
Status forEachRecord(FileSystem& fs, const std::string& dir,
                     const std::function<bool(uint64_t, uint64_t, const ParsedRecord&, std::string_view)>& fn);

}  // namespace concord::audit
