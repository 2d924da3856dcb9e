# The sample client teams-report: its pure rendering (unit), the real client against the real
# server (e2e), and ./scripts/run --once printing the demo report (e2e).
teams_test(chart_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/chart_test.cc LIBS teams_client_render)
teams_test(table_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/table_test.cc LIBS teams_client_render)
teams_test(svg_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/svg_test.cc LIBS teams_client_render)
teams_test(html_report_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/html_report_test.cc LIBS teams_client_render)
teams_test(client_render_test unit
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/unit/client_render_test.cc LIBS teams_client_lib)

teams_test(client_e2e_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/e2e/client_e2e_test.cc
  LIBS teams_test_support teams_e2e_support teams_auth teams_proto)
add_dependencies(client_e2e_test teams-report-server teams-report)

# Runs scripts/run --once in the source tree with its data in a private directory
# (TEAMS_RUN_LOCAL_DIR), beside any instance a developer runs. scripts/run builds into build/
# (a no-op when that is up to date) and starts its own PostgreSQL; it needs no TEAMS_TEST_DB_URL.
teams_test(run_script_e2e_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/e2e/run_script_e2e_test.cc LIBS teams_e2e_support)
add_dependencies(run_script_e2e_test teams-report-server teams-report)
if(TEAMS_BUILD_BENCH)
  add_dependencies(run_script_e2e_test teams-datagen)
endif()
set_tests_properties(run_script_e2e_test PROPERTIES TIMEOUT 1200)

# The HTML report in headless Chromium (scripts/bootstrap installs Debian's chromium and
# libpng-dev): the demo data of scripts/run through the real upload path and the real
# `teams-report report --html`; the screenshot is kept as ${build}/test-artifacts/report.png.
find_package(PNG REQUIRED)
teams_test(html_report_browser_e2e_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/e2e/html_report_browser_e2e_test.cc
  LIBS teams_test_support teams_e2e_support teams_auth teams_proto teams_client_render PNG::PNG)
add_dependencies(html_report_browser_e2e_test teams-report-server teams-report)
if(TEAMS_BUILD_BENCH)
  add_dependencies(html_report_browser_e2e_test teams-datagen)
endif()
