// The verified caller of an RPC, as established by the auth interceptor from its token.
#ifndef TEAMS_SERVER_AUTH_PRINCIPAL_H_
#define TEAMS_SERVER_AUTH_PRINCIPAL_H_

#include <string>
#include <vector>

#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::auth {

struct Principal {
  std::string subject;     // the token's `sub`
  std::string partner_id;  // the token's `partner_id` (PGAMpnID): the tenant of every query
  std::vector<teams_usage::v1::Role> roles;
};

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_PRINCIPAL_H_
