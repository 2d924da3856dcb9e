// UTF-8 validation shared by the parser, the COPY encoder and the JSON log writer. Pure logic.
#ifndef TEAMS_STORAGE_INGEST_UTF8_H_
#define TEAMS_STORAGE_INGEST_UTF8_H_

#include <cstddef>
#include <string_view>

namespace teams_usage::ingest {

// Length of the valid UTF-8 sequence starting at s[i], a non-ASCII lead byte; 0 when invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i);

enum class TextCheck { kOk, kNul, kBadUtf8 };

// Whether `s` is valid UTF-8 without NUL bytes (what a PostgreSQL UTF8 text value can hold).
TextCheck CheckText(std::string_view s);

}  // namespace teams_usage::ingest

#endif  // TEAMS_STORAGE_INGEST_UTF8_H_
