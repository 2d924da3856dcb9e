// The SQL of the report (storage/report/report_store.cc), one named constant per statement; which
// table answers which section, and why, is in docs/aggregation.md.
//
// Parameters. $1 is always the partner id. Every report statement then takes the customer filter
// as $2 country codes, $3 segments, $4 industries, $5 customer ids (text[] each, empty = all) and
// $6 one customer id ('' = all), read by the CTE `fc` (the filtered customers). Statements over the
// partner rollups leave `fc` unreferenced, which PostgreSQL then never evaluates; keeping the same
// parameters everywhere keeps the caller simple. Statement-specific parameters start at $7. Dates
// are 'YYYY-MM-DD' text, date lists are date[] literals. Every statement scopes by partner_id
// explicitly, besides the row-level security that app.partner_id enables.
#ifndef TEAMS_STORAGE_REPORT_REPORT_QUERIES_H_
#define TEAMS_STORAGE_REPORT_REPORT_QUERIES_H_

namespace teams_usage::report::sql {

// First in every transaction: the partner for row-level security, and $2 the statement_timeout
// (milliseconds) from the caller's deadline; both end with the transaction.
inline constexpr char kScopeToPartner[] =
    "SELECT set_config('app.partner_id', $1, true), set_config('statement_timeout', $2, true)";

// First in every report transaction, one round trip (migrations/0005_report_begin.sql): the scope
// of kScopeToPartner, then the columns of kPartnerState and, with $3 = N > 0, the state of the
// default view LAST_N_MONTHS (its data_version, range, customers, previous customers, the four
// ranked counts, listed apps, the previous period's four sums) and one row per month of it (the
// columns of report_preset_month from `month` on).
inline constexpr char kReportBegin[] = "SELECT * FROM report_begin($1, $2, $3::smallint)";

// The partner's data state: data_version, the latest meetings DateKey, the latest month of the
// monthly datasets. No row: the partner has never uploaded.
inline constexpr char kPartnerState[] = R"sql(
SELECT data_version, data_as_of::text, latest_month::text FROM partners WHERE partner_id = $1)sql";

// The customers selected by the filter, with their attributes.
#define TEAMS_REPORT_FILTERED_CUSTOMERS                                                         \
  "\n"                                                                                          \
  "fc AS (\n"                                                                                   \
  "  SELECT customer_id, customer_tenant_id, name, country_code, country, segment, industry,\n" \
  "         vertical, eou\n"                                                                    \
  "  FROM customers\n"                                                                          \
  "  WHERE partner_id = $1\n"                                                                   \
  "    AND (cardinality($2::text[]) = 0 OR country_code = ANY ($2::text[]))\n"                  \
  "    AND (cardinality($3::text[]) = 0 OR segment = ANY ($3::text[]))\n"                       \
  "    AND (cardinality($4::text[]) = 0 OR industry = ANY ($4::text[]))\n"                      \
  "    AND (cardinality($5::text[]) = 0 OR customer_id = ANY ($5::text[]))\n"                   \
  "    AND ($6::text = '' OR customer_id = $6::text))"

// A date's month (the first of it), as ingestion computes it.
#define TEAMS_REPORT_MONTH_OF(day) day " - extract(day FROM " day ")::int + 1"

// ---- meetings and calls: sums per month ---------------------------------------------------------
// $7 date[]: the months the range covers whole; $8, $9 date[]: first and last days of the partial
// months (a month the range only partly covers). Returns month, meetings, meeting_hours, calls,
// phone_systems; months without rows are absent.
//
// All customers: whole months from rollup_partner_month, partial ones from rollup_partner_day.
inline constexpr char kMonthSumsAllCustomers[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT month::text, sum(meetings)::bigint, sum(meeting_hours), sum(calls)::bigint,
       sum(phone_systems)::bigint
FROM (
  SELECT r.month, r.meetings, r.meeting_hours, r.calls, r.phone_systems
  FROM rollup_partner_month r
  WHERE r.partner_id = $1 AND r.month = ANY ($7::date[])
  UNION ALL
  SELECT )sql" TEAMS_REPORT_MONTH_OF("d.day") R"sql(, d.meetings, d.meeting_hours, d.calls,
         d.phone_systems
  FROM rollup_partner_day d
  JOIN unnest($8::date[], $9::date[]) AS p (first_day, last_day)
    ON d.day BETWEEN p.first_day AND p.last_day
  WHERE d.partner_id = $1
) s
GROUP BY month)sql";

// Filtered customers: whole months from rollup_customer_month, partial ones from the daily facts.
inline constexpr char kMonthSumsFiltered[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT month::text, sum(meetings)::bigint, sum(meeting_hours), sum(calls)::bigint,
       sum(phone_systems)::bigint
FROM (
  SELECT c.month, c.meetings, c.meeting_hours, c.calls, c.phone_systems
  FROM rollup_customer_month c
  WHERE c.partner_id = $1 AND c.month = ANY ($7::date[])
    AND c.customer_id IN (SELECT customer_id FROM fc)
  UNION ALL
  SELECT )sql" TEAMS_REPORT_MONTH_OF("f.day") R"sql(,
         CASE WHEN f.subworkload = 1 THEN f.meeting_count ELSE 0 END,
         CASE WHEN f.subworkload = 1 THEN f.meeting_hours ELSE 0 END,
         CASE WHEN f.subworkload = 2 THEN f.meeting_count ELSE 0 END,
         CASE WHEN f.subworkload = 3 THEN f.meeting_count ELSE 0 END
  FROM meetings_calls_daily f
  JOIN unnest($8::date[], $9::date[]) AS p (first_day, last_day)
    ON f.day BETWEEN p.first_day AND p.last_day
  WHERE f.partner_id = $1 AND f.customer_id IN (SELECT customer_id FROM fc)
) s
GROUP BY month)sql";

// ---- meetings and calls: distinct active customers ----------------------------------------------
// $7 date[] months, $8 int[] the active_days bits of each month's days in the range. A customer is
// active on a day when one of its rows of that day has MeetingCount > 0, which is exactly the bit
// rollup_customer_month.active_days keeps. Returns one row with a NULL month (the distinct
// customers over all the days) and one row per month with active customers.
#define TEAMS_REPORT_ACTIVE_CUSTOMERS(restriction)                           \
  "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS                                    \
  ",\n"                                                                      \
  "m AS (SELECT * FROM unnest($7::date[], $8::int[]) AS m (month, mask)),\n" \
  "act AS (\n"                                                               \
  "  SELECT c.month, c.customer_id\n"                                        \
  "  FROM rollup_customer_month c JOIN m ON c.month = m.month\n"             \
  "  WHERE c.partner_id = $1 AND (c.active_days & m.mask) <> 0" restriction  \
  ")\n"                                                                      \
  "SELECT NULL::text, count(DISTINCT customer_id) FROM act\n"                \
  "UNION ALL\n"                                                              \
  "SELECT month::text, count(*) FROM act GROUP BY month"

inline constexpr char kActiveCustomersAll[] = TEAMS_REPORT_ACTIVE_CUSTOMERS("");
inline constexpr char kActiveCustomersFiltered[] =
    TEAMS_REPORT_ACTIVE_CUSTOMERS("\n    AND c.customer_id IN (SELECT customer_id FROM fc)");

// ---- usage by workloads -------------------------------------------------------------------------
// $7, $8: the first and the last month overlapping the range. Returns month, subworkload (1..3, or
// 0 for the month's all-up users), then desktop, web, mobile users (all-up: the users in the
// desktop column).
inline constexpr char kWorkloadsAllCustomers[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT month::text, subworkload, desktop_users, web_users, mobile_users
FROM rollup_partner_month_workload
WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date
UNION ALL
SELECT month::text, 0, all_up_users, 0, 0
FROM rollup_partner_month_allup
WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date)sql";

inline constexpr char kWorkloadsFiltered[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT month::text, subworkload, sum(desktop_users)::bigint, sum(web_users)::bigint,
       sum(mobile_users)::bigint
FROM workload_monthly
WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date
  AND customer_id IN (SELECT customer_id FROM fc)
GROUP BY month, subworkload
UNION ALL
SELECT month::text, 0, sum(all_up_users)::bigint, 0, 0
FROM rollup_customer_month_allup
WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date
  AND customer_id IN (SELECT customer_id FROM fc)
GROUP BY month)sql";

// ---- top customers ------------------------------------------------------------------------------
// The per-customer usage over the range, for the customers `restriction` (a WHERE clause over
// the union's rows, or nothing: every customer) lets through: parameters $7..$11 as for
// kTopCustomers below.
#define TEAMS_REPORT_CUSTOMER_USAGE(restriction)                                                   \
  "usage AS (\n"                                                                                   \
  "  SELECT customer_id, sum(meetings)::bigint AS meetings, sum(meeting_hours) AS "                \
  "meeting_hours,\n"                                                                               \
  "         sum(calls)::bigint AS calls, sum(phone_systems)::bigint AS phone_systems,\n"           \
  "         max(app_users) AS app_users, max(apps) AS apps\n"                                      \
  "  FROM (\n"                                                                                     \
  "    SELECT c.customer_id, c.meetings, c.meeting_hours, c.calls, c.phone_systems,\n"             \
  "           0::bigint AS app_users, 0::bigint AS apps\n"                                         \
  "    FROM rollup_customer_month c\n"                                                             \
  "    WHERE c.partner_id = $1 AND c.month = ANY ($7::date[])\n"                                   \
  "    UNION ALL\n"                                                                                \
  "    SELECT f.customer_id,\n"                                                                    \
  "           CASE WHEN f.subworkload = 1 THEN f.meeting_count ELSE 0 END,\n"                      \
  "           CASE WHEN f.subworkload = 1 THEN f.meeting_hours ELSE 0 END,\n"                      \
  "           CASE WHEN f.subworkload = 2 THEN f.meeting_count ELSE 0 END,\n"                      \
  "           CASE WHEN f.subworkload = 3 THEN f.meeting_count ELSE 0 END, 0, 0\n"                 \
  "    FROM meetings_calls_daily f\n"                                                              \
  "    JOIN unnest($8::date[], $9::date[]) AS p (first_day, last_day)\n"                           \
  "      ON f.day BETWEEN p.first_day AND p.last_day\n"                                            \
  "    WHERE f.partner_id = $1\n"                                                                  \
  "    UNION ALL\n"                                                                                \
  "    -- The peak month of the customer's Σ UserCount over its apps.\n"                          \
  "    SELECT a.customer_id, 0, 0, 0, 0, a.app_users, 0\n"                                         \
  "    FROM rollup_customer_month_apps a\n"                                                        \
  "    WHERE a.partner_id = $1 AND a.month BETWEEN $10::date AND $11::date\n"                      \
  "    UNION ALL\n"                                                                                \
  "    -- Distinct apps over several months cannot be added up from monthly counts: from the "     \
  "facts.\n"                                                                                       \
  "    SELECT u.customer_id, 0, 0, 0, 0, 0, count(DISTINCT u.app_name)\n"                          \
  "    FROM app_usage_monthly u\n"                                                                 \
  "    WHERE u.partner_id = $1 AND u.month BETWEEN $10::date AND $11::date AND u.user_count > 0\n" \
  "    GROUP BY u.customer_id\n"                                                                   \
  "  ) s\n" restriction "  GROUP BY customer_id)\n"

// $7 date[] whole months, $8/$9 date[] partial months' first/last days (as for the sums), $10/$11
// the first/last month overlapping the range (for the monthly datasets), $12 the ranking metric
// (teams_usage.v1.UsageMetric: 1 meetings, 2 calls, 3 phone systems, 4 third-party app users), $13
// limit, $14 offset. Only customers whose ranking value is > 0 are listed, by that value
// descending, then customer_id in byte order. Always returns at least one row: the first column
// is the number of listed customers; when the page is empty the other columns are NULL.
inline constexpr char kTopCustomers[] =
    "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS ",\n" TEAMS_REPORT_CUSTOMER_USAGE(
        "  WHERE customer_id IN (SELECT customer_id FROM fc)\n") R"sql(,
listed AS (
  SELECT u.*, CASE $12::int WHEN 2 THEN u.calls WHEN 3 THEN u.phone_systems
                            WHEN 4 THEN u.app_users ELSE u.meetings END AS rank_value
  FROM usage u),
page AS (
  SELECT * FROM listed WHERE rank_value > 0
  ORDER BY rank_value DESC, customer_id COLLATE "C"
  LIMIT $13::bigint OFFSET $14::bigint)
SELECT (SELECT count(*) FROM listed WHERE rank_value > 0),
       p.customer_id, c.customer_tenant_id, c.name, c.country_code, c.country, c.segment,
       c.industry, c.vertical, c.eou,
       p.meetings, p.calls, p.phone_systems, p.meeting_hours, p.apps, p.app_users
FROM (SELECT 1) AS one
LEFT JOIN (page p JOIN fc c ON c.customer_id = p.customer_id) ON true
ORDER BY p.rank_value DESC, p.customer_id COLLATE "C")sql";

// ---- apps ---------------------------------------------------------------------------------------
// $7/$8 the first/last month overlapping the range, $9 limit, $10 offset. Apps with user_count > 0
// by user_count descending, then app_name in byte order. Like kTopCustomers, the first column is
// the number of listed apps and at least one row is returned.
#define TEAMS_REPORT_APPS_PAGE                                                           \
  ",\n"                                                                                  \
  "listed AS (\n"                                                                        \
  "  SELECT a.app_name, a.user_count, coalesce(c.customer_count, 0) AS customer_count\n" \
  "  FROM app_users a LEFT JOIN app_customers c ON c.app_name = a.app_name\n"            \
  "  WHERE a.user_count > 0),\n"                                                         \
  "page AS (\n"                                                                          \
  "  SELECT * FROM listed ORDER BY user_count DESC, app_name COLLATE \"C\"\n"            \
  "  LIMIT $9::bigint OFFSET $10::bigint)\n"                                             \
  "SELECT (SELECT count(*) FROM listed), p.app_name, p.user_count, p.customer_count\n"   \
  "FROM (SELECT 1) AS one LEFT JOIN page p ON true\n"                                    \
  "ORDER BY p.user_count DESC, p.app_name COLLATE \"C\""

// All customers, one month: rollup_partner_month_app holds the answer.
inline constexpr char kAppsAllCustomersOneMonth[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(,
app_users AS (
  SELECT app_name, user_count FROM rollup_partner_month_app
  WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date),
app_customers AS (
  SELECT app_name, customer_count FROM rollup_partner_month_app
  WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date))sql" TEAMS_REPORT_APPS_PAGE;

// All customers, several months: the peak month from rollup_partner_month_app; the distinct
// customers of an app over several months only from the facts.
#define TEAMS_REPORT_APPS_ALL_CUSTOMERS(first_month, last_month)                              \
  "app_users AS (\n"                                                                          \
  "  SELECT app_name, max(user_count) AS user_count FROM rollup_partner_month_app\n"          \
  "  WHERE partner_id = $1 AND month BETWEEN " first_month "::date AND " last_month           \
  "::date\n"                                                                                  \
  "  GROUP BY app_name),\n"                                                                   \
  "app_customers AS (\n"                                                                      \
  "  SELECT app_name, count(DISTINCT customer_id) AS customer_count FROM app_usage_monthly\n" \
  "  WHERE partner_id = $1 AND month BETWEEN " first_month "::date AND " last_month           \
  "::date\n"                                                                                  \
  "    AND user_count > 0\n"                                                                  \
  "  GROUP BY app_name)"
inline constexpr char kAppsAllCustomers[] =
    "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS ",\n" TEAMS_REPORT_APPS_ALL_CUSTOMERS("$7", "$8")
        TEAMS_REPORT_APPS_PAGE;

// Filtered customers (or one customer): from the facts.
inline constexpr char kAppsFiltered[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(,
f AS (
  SELECT month, customer_id, app_name, user_count FROM app_usage_monthly
  WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date
    AND customer_id IN (SELECT customer_id FROM fc)),
per_month AS (SELECT app_name, month, sum(user_count) AS users FROM f GROUP BY app_name, month),
app_users AS (SELECT app_name, max(users)::bigint AS user_count FROM per_month GROUP BY app_name),
app_customers AS (
  SELECT app_name, count(DISTINCT customer_id) AS customer_count FROM f WHERE user_count > 0
  GROUP BY app_name))sql" TEAMS_REPORT_APPS_PAGE;

// ---- the materialized default views (migrations/0004_report_presets.sql) ----------------------
// Written by RefreshReportPresets in the upload's transaction; read by requests for a preset over
// all customers when the stored data_version and range are those of the request's snapshot.

inline constexpr char kDeletePresets[] = R"sql(
WITH s AS (DELETE FROM report_preset_state WHERE partner_id = $1),
     m AS (DELETE FROM report_preset_month WHERE partner_id = $1),
     c AS (DELETE FROM report_preset_customer WHERE partner_id = $1),
     a AS (DELETE FROM report_preset_app WHERE partner_id = $1)
SELECT 1)sql";

// $1..$11 as for kTopCustomers (with the empty customer filter), $12 the preset's N. Every
// customer, without the `fc` join: this runs in the upload's transaction, where the planner's
// statistics may not know the rows just loaded yet, and a join with an estimated one customer
// became a nested loop over every customer (measured: 1.3 s instead of 20 ms at 300 customers).
inline constexpr char kRefreshPresetCustomers[] =
    "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS ",\n" TEAMS_REPORT_CUSTOMER_USAGE("") R"sql(
INSERT INTO report_preset_customer (partner_id, months, customer_id, meetings, meeting_hours,
                                    calls, phone_systems, apps, app_users)
SELECT $1, $12::smallint, customer_id, meetings, meeting_hours, calls, phone_systems, apps,
       app_users
FROM usage
WHERE meetings > 0 OR calls > 0 OR phone_systems > 0 OR app_users > 0)sql";

// $1 partner, $2 N, $3/$4 the first/last month overlapping the range.
inline constexpr char kRefreshPresetApps[] =
    "WITH " TEAMS_REPORT_APPS_ALL_CUSTOMERS("$3", "$4") R"sql(
INSERT INTO report_preset_app (partner_id, months, app_name, user_count, customer_count)
SELECT $1, $2::smallint, a.app_name, a.user_count, coalesce(c.customer_count, 0)
FROM app_users a LEFT JOIN app_customers c ON c.app_name = a.app_name
WHERE a.user_count > 0)sql";

// $1 partner, $2 N, $3 data_version, $4/$5 the range, $6 customers, $7 previous customers,
// $8..$11 the previous period's meetings, hours, calls, phone systems; then one array per column
// of report_preset_month, an element per month of the range: $12 date[] months, $13 active
// customers, $14 meetings, $15 hours (float8[]), $16 calls, $17 phone systems, $18..$26 desktop,
// web, mobile users of meetings, calls, phone systems, $27 all-up users (bigint[]). Counts the
// rankings' lengths.
inline constexpr char kRefreshPresetState[] = R"sql(
WITH m AS (
  INSERT INTO report_preset_month (partner_id, months, month, active_customers, meetings,
                                   meeting_hours, calls, phone_systems, meetings_desktop,
                                   meetings_web, meetings_mobile, calls_desktop, calls_web,
                                   calls_mobile, phone_desktop, phone_web, phone_mobile,
                                   all_up_users)
  SELECT $1, $2::smallint, u.*
  FROM unnest($12::date[], $13::bigint[], $14::bigint[], $15::float8[], $16::bigint[],
              $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[],
              $22::bigint[], $23::bigint[], $24::bigint[], $25::bigint[], $26::bigint[],
              $27::bigint[]) AS u)
INSERT INTO report_preset_state (partner_id, months, data_version, start_day, end_day, customers,
                                 previous_customers, previous_meetings, previous_meeting_hours,
                                 previous_calls, previous_phone_systems, ranked_meetings,
                                 ranked_calls, ranked_phone_systems, ranked_app_users,
                                 listed_apps)
SELECT $1, $2::smallint, $3::bigint, $4::date, $5::date, $6::bigint, $7::bigint, $8::bigint,
       $9::float8, $10::bigint, $11::bigint,
       count(*) FILTER (WHERE meetings > 0), count(*) FILTER (WHERE calls > 0),
       count(*) FILTER (WHERE phone_systems > 0), count(*) FILTER (WHERE app_users > 0),
       (SELECT count(*) FROM report_preset_app WHERE partner_id = $1 AND months = $2::smallint)
FROM report_preset_customer WHERE partner_id = $1 AND months = $2::smallint)sql";

// $1 partner, $2 N, $3 limit, $4 offset: a page of the ranking by one metric, from its index.
// Columns as kTopCustomers' from the second on.
#define TEAMS_REPORT_PRESET_TOP_CUSTOMERS(metric)                                                  \
  "SELECT p.customer_id, c.customer_tenant_id, c.name, c.country_code, c.country, c.segment,\n"    \
  "       c.industry, c.vertical, c.eou, p.meetings, p.calls, p.phone_systems, p.meeting_hours,\n" \
  "       p.apps, p.app_users\n"                                                                   \
  "FROM report_preset_customer p\n"                                                                \
  "JOIN customers c ON c.partner_id = p.partner_id AND c.customer_id = p.customer_id\n"            \
  "WHERE p.partner_id = $1 AND p.months = $2::smallint AND p." metric                              \
  " > 0\n"                                                                                         \
  "ORDER BY p." metric                                                                             \
  " DESC, p.customer_id\n"                                                                         \
  "LIMIT $3::bigint OFFSET $4::bigint"
inline constexpr const char* kPresetTopCustomers[] = {
    TEAMS_REPORT_PRESET_TOP_CUSTOMERS("meetings"), TEAMS_REPORT_PRESET_TOP_CUSTOMERS("calls"),
    TEAMS_REPORT_PRESET_TOP_CUSTOMERS("phone_systems"),
    TEAMS_REPORT_PRESET_TOP_CUSTOMERS("app_users")};

// $1 partner, $2 N, $3 limit, $4 offset: app_name, user_count, customer_count.
inline constexpr char kPresetApps[] = R"sql(
SELECT app_name, user_count, customer_count FROM report_preset_app
WHERE partner_id = $1 AND months = $2::smallint
ORDER BY user_count DESC, app_name
LIMIT $3::bigint OFFSET $4::bigint)sql";

// ---- export -------------------------------------------------------------------------------------
// A cursor over the partner's current rows of one dataset in the range, with the customers'
// current attributes, in natural-key order. $7/$8: the range's first and last day (meetings) or
// the first and last month overlapping it (monthly datasets). Columns: the nine customer
// attributes, then the dataset's own.
inline constexpr char kExportCursorName[] = "export_rows";
inline constexpr char kExportFetch[] = "FETCH 2000 FROM export_rows";
inline constexpr char kExportClose[] = "CLOSE export_rows";

#define TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS                                            \
  "c.customer_id, c.customer_tenant_id, c.name, c.country_code, c.country, c.segment, " \
  "c.industry, c.vertical, c.eou"

inline constexpr char kExportMeetings[] =
    "DECLARE export_rows NO SCROLL CURSOR FOR WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT )sql" TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS R"sql(,
       to_char(f.day, 'YYYY-MM-DD'), f.subworkload, f.meeting_count, f.meeting_hours
FROM meetings_calls_daily f JOIN fc c ON c.customer_id = f.customer_id
WHERE f.partner_id = $1 AND f.day BETWEEN $7::date AND $8::date
ORDER BY f.day, f.customer_id, f.subworkload)sql";

inline constexpr char kExportWorkload[] =
    "DECLARE export_rows NO SCROLL CURSOR FOR WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT )sql" TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS R"sql(,
       to_char(f.month, 'YYYY-MM'), f.subworkload, f.desktop_users, f.web_users, f.mobile_users,
       f.all_up_participants
FROM workload_monthly f JOIN fc c ON c.customer_id = f.customer_id
WHERE f.partner_id = $1 AND f.month BETWEEN $7::date AND $8::date
ORDER BY f.month, f.customer_id, f.subworkload)sql";

inline constexpr char kExportApps[] =
    "DECLARE export_rows NO SCROLL CURSOR FOR WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(
SELECT )sql" TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS R"sql(,
       to_char(f.month, 'YYYY-MM-DD'), f.app_name, f.user_count
FROM app_usage_monthly f JOIN fc c ON c.customer_id = f.customer_id
WHERE f.partner_id = $1 AND f.month BETWEEN $7::date AND $8::date
ORDER BY f.month, f.customer_id, f.app_name)sql";

#undef TEAMS_REPORT_FILTERED_CUSTOMERS
#undef TEAMS_REPORT_MONTH_OF
#undef TEAMS_REPORT_ACTIVE_CUSTOMERS
#undef TEAMS_REPORT_APPS_PAGE
#undef TEAMS_REPORT_APPS_ALL_CUSTOMERS
#undef TEAMS_REPORT_CUSTOMER_USAGE
#undef TEAMS_REPORT_PRESET_TOP_CUSTOMERS
#undef TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS

}  // namespace teams_usage::report::sql

#endif  // TEAMS_STORAGE_REPORT_REPORT_QUERIES_H_
