#include "server/auth/access_policy.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/audit_log.h"
#include "server/auth/string_view_compat.h"

namespace teams_usage::auth {

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow:
      return "allow";
    case Decision::kOpen:
      return "open";
    case Decision::kUnauthenticated:
      return "unauthenticated";
    case Decision::kPermissionDenied:
      return "permission_denied";
  }
  return "unknown";
}

std::vector<std::string> DefaultPolicedServices() {
  return {"teams_usage.v1.TeamsUsageReportService", "teams_usage.v1.TeamsUsageIngestService"};
}

absl::StatusOr<AccessPolicy> AccessPolicy::FromDescriptorPool(
    const google::protobuf::DescriptorPool& pool, const std::vector<std::string>& service_names) {
  AccessPolicy policy;
  for (const std::string& name : service_names) {
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(absl::StrCat("service ", name, " is not in the descriptor pool"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string path = absl::StrCat("/", service->full_name(), "/", method->name());
      absl::flat_hash_set<teams_usage::v1::Role>& roles = policy.allowed_[path];
      const teams_usage::v1::AccessPolicy& access =
          method->options().GetExtension(teams_usage::v1::access);
      for (int r = 0; r < access.allowed_roles_size(); ++r) {
        const auto role = access.allowed_roles(r);
        if (role != teams_usage::v1::ROLE_UNSPECIFIED) roles.insert(role);
      }
      if (roles.empty()) {
        LogAuthEvent("warning", absl::StrCat("method ", path,
                                             " declares no allowed roles: denied to every caller"));
      }
    }
  }
  return policy;
}

absl::StatusOr<AccessPolicy> AccessPolicy::FromGeneratedPool() {
  return FromDescriptorPool(*google::protobuf::DescriptorPool::generated_pool(),
                            DefaultPolicedServices());
}

bool AccessPolicy::IsOpenMethod(std::string_view method_path) {
  static constexpr std::string_view kOpenPrefixes[] = {
      "/grpc.health.v1.Health/",
      "/grpc.reflection.v1alpha.ServerReflection/",
      "/grpc.reflection.v1.ServerReflection/",
  };
  for (std::string_view prefix : kOpenPrefixes) {
    if (method_path.size() > prefix.size() &&
        absl::StartsWith(AbslView(method_path), AbslView(prefix)) &&
        method_path.find('/', prefix.size()) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

const absl::flat_hash_set<teams_usage::v1::Role>* AccessPolicy::AllowedRoles(
    std::string_view method_path) const {
  const auto it = allowed_.find(AbslView(method_path));
  return it == allowed_.end() ? nullptr : &it->second;
}

AccessDecision AccessPolicy::Decide(std::string_view method_path,
                                    const absl::StatusOr<Principal>& caller) const {
  if (IsOpenMethod(method_path)) return {Decision::kOpen, absl::OkStatus()};
  if (!caller.ok()) {
    const absl::Status& why = caller.status();
    return {Decision::kUnauthenticated,
            absl::UnauthenticatedError(why.message().empty() ? absl::string_view("unauthenticated")
                                                             : why.message())};
  }
  const auto* roles = AllowedRoles(method_path);
  if (roles == nullptr) {
    return {Decision::kPermissionDenied, absl::PermissionDeniedError("method not allowed")};
  }
  for (const auto role : caller->roles) {
    if (roles->contains(role)) return {Decision::kAllow, absl::OkStatus()};
  }
  return {Decision::kPermissionDenied,
          absl::PermissionDeniedError("the caller's roles do not allow this method")};
}

std::vector<std::string> AccessPolicy::MethodsWithoutPolicy() const {
  std::vector<std::string> out;
  for (const auto& [path, roles] : allowed_) {
    if (roles.empty()) out.push_back(path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> AccessPolicy::Methods() const {
  std::vector<std::string> out;
  for (const auto& [path, roles] : allowed_) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace teams_usage::auth
