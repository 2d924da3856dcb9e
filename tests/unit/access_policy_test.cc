// AccessPolicy, read from the proto's `access` options: the whole matrix of DESIGN.md §6.
#include "server/auth/access_policy.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/auth/audit_log.h"
#include "server/auth/roles.h"

namespace teams_usage::auth {
namespace {

using teams_usage::v1::ACCOUNT_ADMIN;
using teams_usage::v1::ADMIN_AGENT;
using teams_usage::v1::DATA_INGESTOR;
using teams_usage::v1::EXECUTIVE_REPORT_VIEWER;
using teams_usage::v1::GLOBAL_ADMIN;
using teams_usage::v1::REPORT_VIEWER;
using teams_usage::v1::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kReport[] = "/teams_usage.v1.TeamsUsageReportService/";
constexpr char kIngest[] = "/teams_usage.v1.TeamsUsageIngestService/";

// DESIGN.md §6, written out independently of the proto.
const std::map<std::string, std::set<Role>>& ExpectedTable() {
  static const auto* table = [] {
    const std::set<Role> sections = {GLOBAL_ADMIN, ACCOUNT_ADMIN, ADMIN_AGENT, REPORT_VIEWER,
                                     EXECUTIVE_REPORT_VIEWER};
    auto* t = new std::map<std::string, std::set<Role>>();
    for (const char* m : {"GetSummary", "GetConversationsTrend", "GetUsageByWorkloads",
                          "ListTopCustomers", "ListApps", "GetReport"}) {
      (*t)[absl::StrCat(kReport, m)] = sections;
    }
    (*t)[absl::StrCat(kReport, "ExportDataset")] = {GLOBAL_ADMIN, EXECUTIVE_REPORT_VIEWER};
    (*t)[absl::StrCat(kIngest, "UploadDataset")] = {DATA_INGESTOR};
    return t;
  }();
  return *table;
}

Principal Caller(std::vector<Role> roles) {
  Principal p;
  p.subject = "user-1";
  p.partner_id = "4812345";
  p.roles = std::move(roles);
  return p;
}

class AccessPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto policy = AccessPolicy::FromGeneratedPool();
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = std::make_unique<AccessPolicy>(*std::move(policy));
  }
  std::unique_ptr<AccessPolicy> policy_;
};

TEST_F(AccessPolicyTest, ReadsEveryMethodOfBothServices) {
  std::vector<std::string> expected;
  for (const auto& [method, roles] : ExpectedTable()) expected.push_back(method);
  EXPECT_EQ(policy_->Methods(), expected);
  EXPECT_TRUE(policy_->MethodsWithoutPolicy().empty());
}

TEST_F(AccessPolicyTest, EveryRpcTimesEveryRoleMatchesTheTable) {
  const std::vector<Role> roles = AllRoles();
  ASSERT_THAT(roles, ElementsAre(GLOBAL_ADMIN, ACCOUNT_ADMIN, ADMIN_AGENT, REPORT_VIEWER,
                                 EXECUTIVE_REPORT_VIEWER, DATA_INGESTOR));
  int allowed = 0, denied = 0;
  for (const auto& [method, allowed_roles] : ExpectedTable()) {
    for (Role role : roles) {
      SCOPED_TRACE(absl::StrCat(method, " as ", RoleName(role)));
      const AccessDecision d = policy_->Decide(method, Caller({role}));
      if (allowed_roles.count(role) > 0) {
        EXPECT_EQ(d.decision, Decision::kAllow);
        EXPECT_TRUE(d.status.ok());
        EXPECT_TRUE(d.allowed());
        ++allowed;
      } else {
        EXPECT_EQ(d.decision, Decision::kPermissionDenied);
        EXPECT_EQ(d.status.code(), absl::StatusCode::kPermissionDenied);
        EXPECT_FALSE(d.allowed());
        ++denied;
      }
    }
    const auto* declared = policy_->AllowedRoles(method);
    ASSERT_NE(declared, nullptr);
    EXPECT_EQ(std::set<Role>(declared->begin(), declared->end()), allowed_roles);
  }
  EXPECT_EQ(allowed, 6 * 5 + 2 + 1);
  EXPECT_EQ(denied, 8 * 6 - allowed);
}

TEST_F(AccessPolicyTest, AnyAllowedRoleAmongSeveralSuffices) {
  EXPECT_EQ(policy_
                ->Decide(absl::StrCat(kReport, "ExportDataset"),
                         Caller({REPORT_VIEWER, DATA_INGESTOR, EXECUTIVE_REPORT_VIEWER}))
                .decision,
            Decision::kAllow);
  EXPECT_EQ(
      policy_->Decide(absl::StrCat(kIngest, "UploadDataset"), Caller({GLOBAL_ADMIN, REPORT_VIEWER}))
          .decision,
      Decision::kPermissionDenied);
}

TEST_F(AccessPolicyTest, TokenWithoutRolesIsDeniedEverywhere) {
  for (const auto& [method, roles] : ExpectedTable()) {
    const AccessDecision d = policy_->Decide(method, Caller({}));
    EXPECT_EQ(d.decision, Decision::kPermissionDenied) << method;
    EXPECT_EQ(d.status.code(), absl::StatusCode::kPermissionDenied) << method;
  }
}

TEST_F(AccessPolicyTest, NoValidTokenIsUnauthenticatedWithTheReason) {
  const absl::StatusOr<Principal> bad = absl::UnauthenticatedError("token expired");
  for (const auto& [method, roles] : ExpectedTable()) {
    const AccessDecision d = policy_->Decide(method, bad);
    EXPECT_EQ(d.decision, Decision::kUnauthenticated) << method;
    EXPECT_EQ(d.status.code(), absl::StatusCode::kUnauthenticated) << method;
    EXPECT_EQ(d.status.message(), "token expired");
  }
  // Whatever the verifier's code, the decision's code is UNAUTHENTICATED.
  const AccessDecision d =
      policy_->Decide(absl::StrCat(kReport, "GetSummary"), absl::InternalError("boom"));
  EXPECT_EQ(d.status.code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AccessPolicyTest, HealthAndReflectionAreOpen) {
  const absl::StatusOr<Principal> none = absl::UnauthenticatedError("missing bearer token");
  for (const char* method : {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
                             "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                             "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"}) {
    for (const absl::StatusOr<Principal>& caller :
         {none, absl::StatusOr<Principal>(Caller({})),
          absl::StatusOr<Principal>(Caller({DATA_INGESTOR}))}) {
      const AccessDecision d = policy_->Decide(method, caller);
      EXPECT_EQ(d.decision, Decision::kOpen) << method;
      EXPECT_TRUE(d.status.ok());
      EXPECT_TRUE(d.allowed());
    }
  }
}

TEST_F(AccessPolicyTest, UnknownMethodsAreDenied) {
  const Principal admin = Caller({GLOBAL_ADMIN, ACCOUNT_ADMIN, ADMIN_AGENT, REPORT_VIEWER,
                                  EXECUTIVE_REPORT_VIEWER, DATA_INGESTOR});
  for (const char* method :
       {"/teams_usage.v1.TeamsUsageReportService/DeleteEverything",
        "/teams_usage.v1.TeamsUsageReportService/getsummary",
        "/teams_usage.v1.TeamsUsageReportService/GetSummary/", "/teams_usage.v2.Other/GetSummary",
        "/grpc.health.v1.Health/", "/grpc.health.v1.Health/Check/x",
        "/grpc.health.v1.HealthX/Check", "", "/", "GetSummary"}) {
    const AccessDecision d = policy_->Decide(method, admin);
    EXPECT_EQ(d.decision, Decision::kPermissionDenied) << method;
    EXPECT_EQ(d.status.code(), absl::StatusCode::kPermissionDenied) << method;
    EXPECT_EQ(policy_->Decide(method, absl::UnauthenticatedError("x")).decision,
              Decision::kUnauthenticated)
        << method;
  }
}

TEST_F(AccessPolicyTest, MissingServiceIsAnError) {
  auto policy = AccessPolicy::FromDescriptorPool(
      *google::protobuf::DescriptorPool::generated_pool(), {"teams_usage.v1.NoSuchService"});
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kNotFound);
}

// A service whose method declares no roles (built in an overlay pool, so the generated
// `access` extension applies): denied to everyone, and logged at start-up.
TEST(AccessPolicyWithoutPolicyTest, MethodWithoutRolesIsDeniedAndLogged) {
  std::vector<std::string> logged;
  SetAuthEventLogger([&](std::string_view level, std::string_view message) {
    logged.push_back(std::string(level) + ": " + std::string(message));
  });

  google::protobuf::FileDescriptorProto file;
  file.set_name("auth_test/no_policy.proto");
  file.set_package("auth_test");
  file.set_syntax("proto3");
  file.add_dependency("teams_usage/v1/teams_usage.proto");
  auto* service = file.add_service();
  service->set_name("Svc");
  auto* open = service->add_method();
  open->set_name("Declared");
  open->set_input_type(".teams_usage.v1.GetSummaryRequest");
  open->set_output_type(".teams_usage.v1.Summary");
  open->mutable_options()
      ->MutableExtension(teams_usage::v1::access)
      ->add_allowed_roles(REPORT_VIEWER);
  auto* bare = service->add_method();
  bare->set_name("Undeclared");
  bare->set_input_type(".teams_usage.v1.GetSummaryRequest");
  bare->set_output_type(".teams_usage.v1.Summary");
  auto* empty = service->add_method();
  empty->set_name("OnlyUnspecified");
  empty->set_input_type(".teams_usage.v1.GetSummaryRequest");
  empty->set_output_type(".teams_usage.v1.Summary");
  empty->mutable_options()
      ->MutableExtension(teams_usage::v1::access)
      ->add_allowed_roles(teams_usage::v1::ROLE_UNSPECIFIED);

  google::protobuf::DescriptorPool pool(google::protobuf::DescriptorPool::generated_pool());
  ASSERT_NE(pool.BuildFile(file), nullptr);
  auto policy = AccessPolicy::FromDescriptorPool(pool, {"auth_test.Svc"});
  SetAuthEventLogger(nullptr);
  ASSERT_TRUE(policy.ok()) << policy.status();

  EXPECT_THAT(policy->MethodsWithoutPolicy(),
              ElementsAre("/auth_test.Svc/OnlyUnspecified", "/auth_test.Svc/Undeclared"));
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_THAT(logged[0], HasSubstr("denied to every caller"));

  const Principal everyone = Caller(AllRoles());
  EXPECT_EQ(policy->Decide("/auth_test.Svc/Declared", everyone).decision, Decision::kAllow);
  EXPECT_EQ(policy->Decide("/auth_test.Svc/Declared", Caller({GLOBAL_ADMIN})).decision,
            Decision::kPermissionDenied);
  EXPECT_EQ(policy->Decide("/auth_test.Svc/Undeclared", everyone).decision,
            Decision::kPermissionDenied);
  EXPECT_EQ(policy->Decide("/auth_test.Svc/OnlyUnspecified", everyone).decision,
            Decision::kPermissionDenied);
}

TEST(RolesTest, NamesRoundTrip) {
  for (Role role : AllRoles()) EXPECT_EQ(RoleFromName(RoleName(role)), role);
  EXPECT_EQ(RoleFromName("ROLE_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(RoleFromName("report_viewer"), std::nullopt);
  EXPECT_EQ(RoleFromName(""), std::nullopt);
  EXPECT_EQ(RoleFromName("6"), std::nullopt);
}

TEST(DecisionTest, Names) {
  EXPECT_EQ(DecisionName(Decision::kAllow), "allow");
  EXPECT_EQ(DecisionName(Decision::kOpen), "open");
  EXPECT_EQ(DecisionName(Decision::kUnauthenticated), "unauthenticated");
  EXPECT_EQ(DecisionName(Decision::kPermissionDenied), "permission_denied");
}

}  // namespace
}  // namespace teams_usage::auth
