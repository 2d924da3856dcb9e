# The report ("Data out"): filter, metric math, page tokens and export formatting (unit); the
# report store against a reference computed from the uploaded rows (pg); the real server (e2e).
teams_test(report_filter_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/report_filter_test.cc LIBS teams_core)
teams_test(page_token_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/page_token_test.cc LIBS teams_core)
teams_test(metrics_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/metrics_test.cc LIBS teams_core)
teams_test(result_cache_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/result_cache_test.cc LIBS teams_core)

# The report computed straight from the uploaded rows, shared by the pg and e2e tests.
add_library(teams_report_reference STATIC ${CMAKE_CURRENT_LIST_DIR}/support/report_reference.cc)
target_include_directories(teams_report_reference PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(teams_report_reference PUBLIC teams_test_support)
# The report store's answers compared with it, field by field (pg tests).
add_library(teams_report_expect STATIC ${CMAKE_CURRENT_LIST_DIR}/support/report_expect.cc)
target_link_libraries(teams_report_expect PUBLIC teams_report_reference teams_storage GTest::gtest)

teams_test(report_reference_pgtest pg
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg/report_reference_pgtest.cc
  LIBS teams_report_expect teams_storage)

teams_test(report_e2e_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/e2e/report_e2e_test.cc
  LIBS teams_report_reference teams_e2e_support teams_auth teams_proto)
add_dependencies(report_e2e_test teams-report-server)

# The response cache's freshness with the DataVersionTracker: own and foreign uploads, a lost
# listening connection, "reset", and no tracker at all.
teams_test(report_cache_pgtest pg
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg/report_cache_pgtest.cc
  LIBS teams_report_expect teams_storage)
