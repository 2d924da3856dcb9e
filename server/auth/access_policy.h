// Which roles may call which RPC: read once, at start-up, from the `(teams_usage.v1.access)`
// option on every method of the served services (the contract in the .proto), so the policy is
// declared in one place. Pure logic, no I/O: unit-tested without a server.
//
// Rules (DESIGN.md §6):
//   - gRPC health and reflection methods are open: allowed with or without a token, and even
//     with a bad one.
//   - A method of a policed service is allowed when the caller's verified token carries one of
//     its `allowed_roles`.
//   - Without a verified token: UNAUTHENTICATED (with the verifier's reason).
//   - With a valid token but no allowed role: PERMISSION_DENIED.
//   - A method of a policed service without a policy (no allowed roles) and any unknown method
//     are denied to everyone (fail closed): UNAUTHENTICATED without a valid token, else
//     PERMISSION_DENIED.
#ifndef TEAMS_SERVER_AUTH_ACCESS_POLICY_H_
#define TEAMS_SERVER_AUTH_ACCESS_POLICY_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/auth/principal.h"
#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::auth {

enum class Decision {
  kAllow,             // a policed method, and the caller holds an allowed role
  kOpen,              // health / reflection: no token needed
  kUnauthenticated,   // no valid token
  kPermissionDenied,  // valid token, no allowed role (or the method is not allowed to anyone)
};

// "allow", "open", "unauthenticated", "permission_denied" (the audit log's spelling).
std::string_view DecisionName(Decision decision);

struct AccessDecision {
  Decision decision = Decision::kUnauthenticated;
  absl::Status status;  // OK for kAllow / kOpen; the status the call must end with otherwise

  bool allowed() const { return decision == Decision::kAllow || decision == Decision::kOpen; }
};

// The two services of teams_usage.v1 that the policy covers.
std::vector<std::string> DefaultPolicedServices();

class AccessPolicy {
 public:
  // Reads the `access` option of every method of `service_names` in `pool`. Fails when a
  // service is not in the pool. Methods without allowed roles are recorded (and logged) as
  // denied to everyone.
  static absl::StatusOr<AccessPolicy> FromDescriptorPool(
      const google::protobuf::DescriptorPool& pool, const std::vector<std::string>& service_names);

  // FromDescriptorPool(generated_pool(), DefaultPolicedServices()).
  static absl::StatusOr<AccessPolicy> FromGeneratedPool();

  // `method_path` is gRPC's "/package.Service/Method".
  AccessDecision Decide(std::string_view method_path,
                        const absl::StatusOr<Principal>& caller) const;

  // Health and reflection (v1 and v1alpha).
  static bool IsOpenMethod(std::string_view method_path);

  // The allowed roles of a policed method; nullptr for a method the policy does not know.
  const absl::flat_hash_set<teams_usage::v1::Role>* AllowedRoles(
      std::string_view method_path) const;

  // Policed methods that declare no allowed roles (denied to everyone), sorted.
  std::vector<std::string> MethodsWithoutPolicy() const;

  // Every policed method path, sorted.
  std::vector<std::string> Methods() const;

 private:
  AccessPolicy() = default;

  absl::flat_hash_map<std::string, absl::flat_hash_set<teams_usage::v1::Role>> allowed_;
};

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_ACCESS_POLICY_H_
