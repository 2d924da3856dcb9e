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
// $7 date[] whole months, $8/$9 date[] partial months' first/last days (as for the sums), $10/$11
// the first/last month overlapping the range (for the monthly datasets), $12 the ranking metric
// (teams_usage.v1.UsageMetric: 1 meetings, 2 calls, 3 phone systems, 4 third-party app users), $13
// limit, $14 offset. Only customers whose ranking value is > 0 are listed, by that value
// descending, then customer_id in byte order. Always returns at least one row: the first column
// is the number of listed customers; when the page is empty the other columns are NULL.
inline constexpr char kTopCustomers[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(,
usage AS (
  SELECT customer_id, sum(meetings)::bigint AS meetings, sum(meeting_hours) AS meeting_hours,
         sum(calls)::bigint AS calls, sum(phone_systems)::bigint AS phone_systems,
         max(app_users) AS app_users, max(apps) AS apps
  FROM (
    SELECT c.customer_id, c.meetings, c.meeting_hours, c.calls, c.phone_systems,
           0::bigint AS app_users, 0::bigint AS apps
    FROM rollup_customer_month c
    WHERE c.partner_id = $1 AND c.month = ANY ($7::date[])
    UNION ALL
    SELECT f.customer_id,
           CASE WHEN f.subworkload = 1 THEN f.meeting_count ELSE 0 END,
           CASE WHEN f.subworkload = 1 THEN f.meeting_hours ELSE 0 END,
           CASE WHEN f.subworkload = 2 THEN f.meeting_count ELSE 0 END,
           CASE WHEN f.subworkload = 3 THEN f.meeting_count ELSE 0 END, 0, 0
    FROM meetings_calls_daily f
    JOIN unnest($8::date[], $9::date[]) AS p (first_day, last_day)
      ON f.day BETWEEN p.first_day AND p.last_day
    WHERE f.partner_id = $1
    UNION ALL
    -- The peak month of the customer's Σ UserCount over its apps.
    SELECT a.customer_id, 0, 0, 0, 0, a.app_users, 0
    FROM rollup_customer_month_apps a
    WHERE a.partner_id = $1 AND a.month BETWEEN $10::date AND $11::date
    UNION ALL
    -- Distinct apps over several months cannot be added up from monthly counts: from the facts.
    SELECT u.customer_id, 0, 0, 0, 0, 0, count(DISTINCT u.app_name)
    FROM app_usage_monthly u
    WHERE u.partner_id = $1 AND u.month BETWEEN $10::date AND $11::date AND u.user_count > 0
    GROUP BY u.customer_id
  ) s
  WHERE customer_id IN (SELECT customer_id FROM fc)
  GROUP BY customer_id),
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
inline constexpr char kAppsAllCustomers[] = "WITH " TEAMS_REPORT_FILTERED_CUSTOMERS R"sql(,
app_users AS (
  SELECT app_name, max(user_count) AS user_count FROM rollup_partner_month_app
  WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date
  GROUP BY app_name),
app_customers AS (
  SELECT app_name, count(DISTINCT customer_id) AS customer_count FROM app_usage_monthly
  WHERE partner_id = $1 AND month BETWEEN $7::date AND $8::date AND user_count > 0
  GROUP BY app_name))sql" TEAMS_REPORT_APPS_PAGE;

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
#undef TEAMS_REPORT_EXPORT_CUSTOMER_COLUMNS

}  // namespace teams_usage::report::sql

#endif  // TEAMS_STORAGE_REPORT_REPORT_QUERIES_H_
