#include "server/log.h"

#include <cstdio>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace teams_usage::server {

std::string JsonQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out.append(buf);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

void LogJson(absl::string_view level, absl::string_view msg,
             std::initializer_list<std::pair<absl::string_view, absl::string_view>> fields) {
  std::string line = "{\"time\":";
  line += JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line += ",\"level\":" + JsonQuote(level) + ",\"msg\":" + JsonQuote(msg);
  for (const auto& [k, v] : fields) {
    line += "," + JsonQuote(k) + ":" + JsonQuote(v);
  }
  line += "}\n";
  static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  std::cout << line << std::flush;
}

}  // namespace teams_usage::server
