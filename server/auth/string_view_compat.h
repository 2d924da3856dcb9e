// Debian 12's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0: absl::string_view is its
// own type, not std::string_view. These convert at the boundary (no copies).
#ifndef TEAMS_SERVER_AUTH_STRING_VIEW_COMPAT_H_
#define TEAMS_SERVER_AUTH_STRING_VIEW_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace teams_usage::auth {

inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_STRING_VIEW_COMPAT_H_
