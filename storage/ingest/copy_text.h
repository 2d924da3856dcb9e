// Encoding of fields for PostgreSQL's COPY text format. Pure logic.
#ifndef TEAMS_STORAGE_INGEST_COPY_TEXT_H_
#define TEAMS_STORAGE_INGEST_COPY_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace teams_usage::ingest {

// True when `text` is valid UTF-8 without NUL bytes (what a PostgreSQL UTF8 text value can hold).
bool IsStorableText(std::string_view text);

// Appends `text` escaped for COPY text format (backslash, tab, newline, carriage return).
// Returns false, appending nothing, when the text is not storable.
bool AppendCopyText(std::string* out, std::string_view text);

void AppendCopyInt(std::string* out, int64_t value);
// Shortest decimal that reads back as exactly `value`.
void AppendCopyDouble(std::string* out, double value);

}  // namespace teams_usage::ingest

#endif  // TEAMS_STORAGE_INGEST_COPY_TEXT_H_
