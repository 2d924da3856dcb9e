// What the client knows about the terminal it prints to: its width and whether it shows UTF-8.
#ifndef TEAMS_CLIENT_TERMINAL_H_
#define TEAMS_CLIENT_TERMINAL_H_

namespace teams_usage::client {

inline constexpr int kDefaultTerminalWidth = 80;

// Pure: whether the locale variables (LC_ALL, else LC_CTYPE, else LANG: the first one set and
// non-empty decides, as in POSIX) name a UTF-8 character set ("UTF-8" or "utf8", any case).
// Null pointers stand for unset variables.
bool LocaleIsUtf8(const char* lc_all, const char* lc_ctype, const char* lang);
// Pure: the width a COLUMNS value asks for, or 0 when it is unset or not a positive number.
int ParseColumns(const char* columns);

// The process's terminal: COLUMNS if set; else the width of `fd` when it is a terminal
// (ioctl TIOCGWINSZ); else kDefaultTerminalWidth.
int TerminalWidth(int fd);
// LocaleIsUtf8 of the process's environment.
bool EnvironmentIsUtf8();
bool IsTerminal(int fd);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_TERMINAL_H_
