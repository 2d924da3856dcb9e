# Identity and roles (server/auth): token verification, the access policy, the interceptor.
teams_test(jwt_verifier_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/jwt_verifier_test.cc LIBS teams_auth)
teams_test(access_policy_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/access_policy_test.cc LIBS teams_auth)
# A real gRPC server on 127.0.0.1 with the interceptor and test handlers; no database.
teams_test(auth_interceptor_e2e_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/e2e/auth_interceptor_e2e_test.cc
  LIBS teams_auth gRPC::grpc++_reflection)
