#include "client/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace teams_usage::client {

bool LocaleIsUtf8(const char* lc_all, const char* lc_ctype, const char* lang) {
  const char* value = nullptr;
  for (const char* candidate : {lc_all, lc_ctype, lang}) {
    if (candidate != nullptr && candidate[0] != '\0') {
      value = candidate;
      break;
    }
  }
  if (value == nullptr) return false;
  std::string lower;
  for (const char* p = value; *p != '\0'; ++p) {
    if (*p != '-' && *p != '_') lower.push_back(static_cast<char>(std::tolower(*p)));
  }
  return lower.find("utf8") != std::string::npos;
}

int ParseColumns(const char* columns) {
  if (columns == nullptr || columns[0] == '\0') return 0;
  char* end = nullptr;
  const long value = std::strtol(columns, &end, 10);
  if (*end != '\0' || value <= 0 || value > 100000) return 0;
  return static_cast<int>(value);
}

int TerminalWidth(int fd) {
  if (const int columns = ParseColumns(std::getenv("COLUMNS")); columns > 0) return columns;
  winsize size{};
  if (isatty(fd) != 0 && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return kDefaultTerminalWidth;
}

bool EnvironmentIsUtf8() {
  return LocaleIsUtf8(std::getenv("LC_ALL"), std::getenv("LC_CTYPE"), std::getenv("LANG"));
}

bool IsTerminal(int fd) { return isatty(fd) != 0; }

}  // namespace teams_usage::client
