#include "server/auth/roles.h"

#include <algorithm>

namespace teams_usage::auth {

using teams_usage::v1::Role;

std::optional<Role> RoleFromName(std::string_view name) {
  Role role;
  if (!teams_usage::v1::Role_Parse(std::string(name), &role) ||
      role == teams_usage::v1::ROLE_UNSPECIFIED) {
    return std::nullopt;
  }
  return role;
}

std::string RoleName(Role role) { return teams_usage::v1::Role_Name(role); }

std::vector<Role> AllRoles() {
  std::vector<Role> roles;
  const auto* descriptor = teams_usage::v1::Role_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto role = static_cast<Role>(descriptor->value(i)->number());
    if (role != teams_usage::v1::ROLE_UNSPECIFIED) roles.push_back(role);
  }
  std::sort(roles.begin(), roles.end());
  return roles;
}

bool HasRole(const Principal& principal, Role role) {
  return std::find(principal.roles.begin(), principal.roles.end(), role) != principal.roles.end();
}

}  // namespace teams_usage::auth
