#include "storage/ingest/copy_text.h"

#include <charconv>

#include "storage/ingest/utf8.h"

namespace teams_usage::ingest {

bool IsStorableText(std::string_view s) { return CheckText(s) == TextCheck::kOk; }

bool AppendCopyText(std::string* out, std::string_view text) {
  if (!IsStorableText(text)) return false;
  for (char c : text) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
  return true;
}

void AppendCopyInt(std::string* out, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, end);
}

void AppendCopyDouble(std::string* out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, end);
}

}  // namespace teams_usage::ingest
