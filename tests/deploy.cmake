# Offline validation of deploy/: kustomize renders of every overlay, Kubernetes schemas, the
# deployment policy, a static Dockerfile check and negative fixtures (scripts/validate-deploy).
# It installs kubectl and its npm packages itself when they are missing.
add_test(NAME deploy_manifests_test COMMAND ${PROJECT_SOURCE_DIR}/scripts/validate-deploy)
set_tests_properties(deploy_manifests_test PROPERTIES LABELS deploy TIMEOUT 600
  ENVIRONMENT "TEAMS_BINARY_DIR=${PROJECT_BINARY_DIR}")
