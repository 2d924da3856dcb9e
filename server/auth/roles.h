// Role names as they appear in a token's `roles` claim: the names of teams_usage.v1.Role.
#ifndef TEAMS_SERVER_AUTH_ROLES_H_
#define TEAMS_SERVER_AUTH_ROLES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/principal.h"
#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::auth {

// "REPORT_VIEWER" -> REPORT_VIEWER. Exact, case-sensitive match of the enum value names;
// ROLE_UNSPECIFIED and unknown names give nullopt.
std::optional<teams_usage::v1::Role> RoleFromName(std::string_view name);

// REPORT_VIEWER -> "REPORT_VIEWER".
std::string RoleName(teams_usage::v1::Role role);

// Every assignable role (all of the enum but ROLE_UNSPECIFIED), in enum order.
std::vector<teams_usage::v1::Role> AllRoles();

bool HasRole(const Principal& principal, teams_usage::v1::Role role);

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_ROLES_H_
