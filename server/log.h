// Structured JSON log lines on stdout: one object per line.
#ifndef TEAMS_SERVER_LOG_H_
#define TEAMS_SERVER_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace teams_usage::server {

// Appends `text` as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD.
void AppendJsonString(absl::string_view text, std::string* out);
// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

// {"time":"...","level":level,"msg":msg, key:value...}; values are written as JSON strings.
void LogJson(absl::string_view level, absl::string_view msg,
             std::initializer_list<std::pair<absl::string_view, absl::string_view>> fields = {});

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_LOG_H_
