// The SQL of ingestion (storage/ingest_store.cc), one named constant per statement.
// $1 is always the partner id. Staging tables are per-transaction temp tables. touched_cm and
// touched_days may list an entry more than once (from the UPDATE and the INSERT): every statement
// reading them is a semi-join or a DELETE, which a repeat does not change.
#ifndef TEAMS_STORAGE_INGEST_QUERIES_H_
#define TEAMS_STORAGE_INGEST_QUERIES_H_

namespace teams_usage::storage::sql {

inline constexpr char kScopeToPartner[] = "SELECT set_config('app.partner_id', $1, true)";
inline constexpr char kSetStatementTimeout[] = "SELECT set_config('statement_timeout', $1, true)";

inline constexpr char kCreateStageCustomers[] = R"sql(
CREATE TEMP TABLE stage_customers (
  customer_id text COLLATE "C" NOT NULL, customer_tenant_id text NOT NULL, name text NOT NULL,
  country_code text NOT NULL, country text NOT NULL, segment text NOT NULL, industry text NOT NULL,
  vertical text NOT NULL, eou text NOT NULL
) ON COMMIT DROP)sql";

inline constexpr const char* kCreateTouched[] = {
    R"sql(CREATE TEMP TABLE touched_cm (customer_id text COLLATE "C" NOT NULL, month date NOT NULL)
  ON COMMIT DROP)sql",
    R"sql(CREATE TEMP TABLE touched_days (day date NOT NULL) ON COMMIT DROP)sql",
};

// Creates the partner's row if new and locks it: uploads of one partner are serialized here,
// after their COPY (which needs no lock) and before anything shared is touched.
inline constexpr char kLockPartner[] =
    "INSERT INTO partners (partner_id) VALUES ($1) ON CONFLICT DO NOTHING";
inline constexpr char kSelectPartnerForUpdate[] =
    "SELECT data_version FROM partners WHERE partner_id = $1 FOR UPDATE";

inline constexpr char kUpsertCustomers[] = R"sql(
WITH up AS (
  INSERT INTO customers AS c (partner_id, customer_id, customer_tenant_id, name, country_code,
                              country, segment, industry, vertical, eou)
  SELECT $1, customer_id, customer_tenant_id, name, country_code, country, segment, industry,
         vertical, eou
  FROM stage_customers
  ON CONFLICT (partner_id, customer_id) DO UPDATE SET
    customer_tenant_id = EXCLUDED.customer_tenant_id, name = EXCLUDED.name,
    country_code = EXCLUDED.country_code, country = EXCLUDED.country,
    segment = EXCLUDED.segment, industry = EXCLUDED.industry, vertical = EXCLUDED.vertical,
    eou = EXCLUDED.eou
  WHERE (c.customer_tenant_id, c.name, c.country_code, c.country, c.segment, c.industry,
         c.vertical, c.eou)
     IS DISTINCT FROM
        (EXCLUDED.customer_tenant_id, EXCLUDED.name, EXCLUDED.country_code, EXCLUDED.country,
         EXCLUDED.segment, EXCLUDED.industry, EXCLUDED.vertical, EXCLUDED.eou)
  RETURNING 1)
SELECT count(*) FROM up)sql";

inline constexpr char kBumpVersion[] = R"sql(
UPDATE partners SET data_version = data_version + 1, updated_at = now()
WHERE partner_id = $1 RETURNING data_version)sql";

// ---- TeamsUsageMeetingsAndCalls ---------------------------------------------------------------
inline constexpr char kCreateStageMeetings[] = R"sql(
CREATE TEMP TABLE stage_rows (
  line bigint NOT NULL, customer_id text COLLATE "C" NOT NULL, day integer NOT NULL,
  subworkload smallint NOT NULL, meeting_count bigint NOT NULL,
  meeting_hours double precision NOT NULL
) ON COMMIT DROP)sql";

// Natural-key repeats within the file: the first 20, at the line of their second occurrence. Run
// only when the writer's key hashes saw a repeat (or a hash collision).
inline constexpr char kDuplicatesMeetings[] = R"sql(
SELECT min(line), (array_agg(line ORDER BY line))[2] AS repeat_line
FROM stage_rows GROUP BY customer_id, day, subworkload HAVING count(*) > 1
ORDER BY repeat_line LIMIT 20)sql";

// Replace-on-natural-key, in two set-based statements: the UPDATE rewrites only rows whose values
// differ (an unchanged row is neither written nor counted nor touches a rollup), the INSERT adds
// the keys not yet stored (its row count comes from the command tag; the writer adds the file's
// customer-months and days to the touched sets itself, cheaper than RETURNING every new row).
// Uploads of one partner are serialized by the partner row lock, and the
// file's keys are known to be unique, so no row can be claimed twice. $2 and $3 bound the upload's
// days (days since 1970-01-01), which keeps the joins to the affected part of the partner's rows.
inline constexpr char kReplaceMeetings[] = R"sql(
WITH up AS (
  UPDATE meetings_calls_daily AS f
  SET meeting_count = s.meeting_count, meeting_hours = s.meeting_hours
  FROM stage_rows s
  WHERE f.partner_id = $1
    AND f.day BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.day = date '1970-01-01' + s.day AND f.customer_id = s.customer_id
    AND f.subworkload = s.subworkload
    AND (f.meeting_count, f.meeting_hours)
        IS DISTINCT FROM (s.meeting_count, s.meeting_hours)
  RETURNING f.customer_id, f.day),
cm AS (INSERT INTO touched_cm
       SELECT DISTINCT customer_id, day - date_part('day', day)::int + 1 FROM up),
d AS (INSERT INTO touched_days SELECT DISTINCT day FROM up)
SELECT count(*) FROM up)sql";

// Every staged row into the fact table; kInsertMeetings adds the condition that its key is new.
#define TEAMS_INSERT_STAGED_MEETINGS                                                       \
  "\nINSERT INTO meetings_calls_daily\n"                                                   \
  "  (partner_id, day, customer_id, subworkload, meeting_count, meeting_hours)\n"          \
  "SELECT $1, date '1970-01-01' + s.day, s.customer_id, s.subworkload, s.meeting_count,\n" \
  "       s.meeting_hours\n"                                                               \
  "FROM stage_rows s"

inline constexpr char kInsertMeetings[] = TEAMS_INSERT_STAGED_MEETINGS R"sql(
WHERE NOT EXISTS (
  SELECT 1 FROM meetings_calls_daily f
  WHERE f.partner_id = $1
    AND f.day BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.day = date '1970-01-01' + s.day AND f.customer_id = s.customer_id
    AND f.subworkload = s.subworkload))sql";

// The first load of the file's months: no existing row can match a staged one.
inline constexpr char kInsertMeetingsFirstLoad[] = TEAMS_INSERT_STAGED_MEETINGS;
#undef TEAMS_INSERT_STAGED_MEETINGS

inline constexpr char kAnalyzeTouchedMeetings[] = R"sql(
ANALYZE touched_cm;
ANALYZE touched_days)sql";

inline constexpr char kDeleteCustomerMonths[] = R"sql(
DELETE FROM rollup_customer_month r USING touched_cm t
WHERE r.partner_id = $1 AND r.month = t.month AND r.customer_id = t.customer_id)sql";

inline constexpr char kInsertCustomerMonths[] = R"sql(
INSERT INTO rollup_customer_month
  (partner_id, month, customer_id, meetings, meeting_hours, calls, call_hours, phone_systems,
   phone_system_hours, active_days)
SELECT $1, f.day - date_part('day', f.day)::int + 1, f.customer_id,
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 1), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 1), 0),
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 2), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 2), 0),
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 3), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 3), 0),
  coalesce(bit_or(1 << (date_part('day', f.day)::int - 1)) FILTER (WHERE f.meeting_count > 0), 0)
FROM meetings_calls_daily f
WHERE f.partner_id = $1
  AND f.day >= (SELECT min(month) FROM touched_cm)
  AND f.day < (SELECT max(month) FROM touched_cm) + interval '1 month'
  AND (f.customer_id, f.day - date_part('day', f.day)::int + 1)
      IN (SELECT customer_id, month FROM touched_cm)
GROUP BY 2, 3)sql";

inline constexpr char kDeletePartnerDays[] = R"sql(
DELETE FROM rollup_partner_day r USING touched_days t
WHERE r.partner_id = $1 AND r.day = t.day)sql";

inline constexpr char kInsertPartnerDays[] = R"sql(
INSERT INTO rollup_partner_day
  (partner_id, day, meetings, meeting_hours, calls, call_hours, phone_systems,
   phone_system_hours, active_customers)
SELECT $1, f.day,
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 1), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 1), 0),
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 2), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 2), 0),
  coalesce(sum(f.meeting_count) FILTER (WHERE f.subworkload = 3), 0),
  coalesce(sum(f.meeting_hours) FILTER (WHERE f.subworkload = 3), 0),
  count(DISTINCT f.customer_id) FILTER (WHERE f.meeting_count > 0)
FROM meetings_calls_daily f
WHERE f.partner_id = $1 AND f.day IN (SELECT day FROM touched_days)
GROUP BY f.day)sql";

inline constexpr char kDeletePartnerMonths[] = R"sql(
DELETE FROM rollup_partner_month
WHERE partner_id = $1 AND month IN (SELECT month FROM touched_cm))sql";

inline constexpr char kInsertPartnerMonths[] = R"sql(
INSERT INTO rollup_partner_month
  (partner_id, month, meetings, meeting_hours, calls, call_hours, phone_systems,
   phone_system_hours, active_customers)
SELECT $1, c.month, sum(c.meetings), sum(c.meeting_hours), sum(c.calls), sum(c.call_hours),
  sum(c.phone_systems), sum(c.phone_system_hours), count(*) FILTER (WHERE c.active_days <> 0)
FROM rollup_customer_month c
WHERE c.partner_id = $1 AND c.month IN (SELECT month FROM touched_cm)
GROUP BY c.month)sql";

inline constexpr char kAdvanceDataAsOf[] = R"sql(
UPDATE partners
SET data_as_of = greatest(data_as_of, (SELECT max(day) FROM touched_days))
WHERE partner_id = $1)sql";

inline constexpr const char* kRefreshMeetings[] = {
    kAnalyzeTouchedMeetings, kDeleteCustomerMonths, kInsertCustomerMonths, kDeletePartnerDays,
    kInsertPartnerDays,      kDeletePartnerMonths,  kInsertPartnerMonths,  kAdvanceDataAsOf};

// After a first load of a date range (no earlier rows in its months), the writer computes the
// customer-month and day rollups from the file itself and COPYs them; only these remain.
inline constexpr const char* kRefreshMeetingsAfterFirstLoad[] = {
    kAnalyzeTouchedMeetings, kDeletePartnerMonths, kInsertPartnerMonths, kAdvanceDataAsOf};

// COPY cannot write to tables with row-level security: the writer's rollups go through these.
inline constexpr char kCreateStageRollups[] = R"sql(
CREATE TEMP TABLE stage_customer_months (LIKE rollup_customer_month) ON COMMIT DROP;
CREATE TEMP TABLE stage_partner_days (LIKE rollup_partner_day) ON COMMIT DROP)sql";
inline constexpr char kInsertStagedRollups[] = R"sql(
INSERT INTO rollup_customer_month SELECT * FROM stage_customer_months;
INSERT INTO rollup_partner_day SELECT * FROM stage_partner_days)sql";

// Whether the partner has any meetings-and-calls row between two days (days since 1970-01-01).
inline constexpr char kAnyMeetingsBetween[] = R"sql(
SELECT EXISTS (
  SELECT 1 FROM meetings_calls_daily
  WHERE partner_id = $1
    AND day BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int))sql";

// ---- TeamsUsageWorkload ------------------------------------------------------------------------
inline constexpr char kCreateStageWorkload[] = R"sql(
CREATE TEMP TABLE stage_rows (
  line bigint NOT NULL, customer_id text COLLATE "C" NOT NULL, month integer NOT NULL,
  subworkload smallint NOT NULL, desktop_users bigint NOT NULL, web_users bigint NOT NULL,
  mobile_users bigint NOT NULL, all_up_participants bigint NOT NULL
) ON COMMIT DROP)sql";

inline constexpr char kDuplicatesWorkload[] = R"sql(
SELECT min(line), (array_agg(line ORDER BY line))[2] AS repeat_line
FROM stage_rows GROUP BY customer_id, month, subworkload HAVING count(*) > 1
ORDER BY repeat_line LIMIT 20)sql";

inline constexpr char kReplaceWorkload[] = R"sql(
WITH up AS (
  UPDATE workload_monthly AS f
  SET desktop_users = s.desktop_users, web_users = s.web_users, mobile_users = s.mobile_users,
      all_up_participants = s.all_up_participants
  FROM stage_rows s
  WHERE f.partner_id = $1
    AND f.month BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.month = date '1970-01-01' + s.month AND f.customer_id = s.customer_id
    AND f.subworkload = s.subworkload
    AND (f.desktop_users, f.web_users, f.mobile_users, f.all_up_participants)
        IS DISTINCT FROM (s.desktop_users, s.web_users, s.mobile_users, s.all_up_participants)
  RETURNING f.customer_id, f.month),
cm AS (INSERT INTO touched_cm SELECT DISTINCT customer_id, month FROM up)
SELECT count(*) FROM up)sql";

inline constexpr char kInsertWorkload[] = R"sql(
INSERT INTO workload_monthly
  (partner_id, month, customer_id, subworkload, desktop_users, web_users, mobile_users,
   all_up_participants)
SELECT $1, date '1970-01-01' + s.month, s.customer_id, s.subworkload, s.desktop_users,
       s.web_users, s.mobile_users, s.all_up_participants
FROM stage_rows s
WHERE NOT EXISTS (
  SELECT 1 FROM workload_monthly f
  WHERE f.partner_id = $1
    AND f.month BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.month = date '1970-01-01' + s.month AND f.customer_id = s.customer_id
    AND f.subworkload = s.subworkload))sql";

inline constexpr const char* kRefreshWorkload[] = {
    R"sql(ANALYZE touched_cm)sql",
    R"sql(DELETE FROM rollup_customer_month_allup r USING touched_cm t
WHERE r.partner_id = $1 AND r.month = t.month AND r.customer_id = t.customer_id)sql",
    R"sql(INSERT INTO rollup_customer_month_allup (partner_id, month, customer_id, all_up_users)
SELECT $1, f.month, f.customer_id, max(f.all_up_participants)
FROM workload_monthly f
WHERE f.partner_id = $1 AND (f.month, f.customer_id) IN (SELECT month, customer_id FROM touched_cm)
GROUP BY f.month, f.customer_id)sql",
    R"sql(DELETE FROM rollup_partner_month_workload
WHERE partner_id = $1 AND month IN (SELECT month FROM touched_cm))sql",
    R"sql(INSERT INTO rollup_partner_month_workload
  (partner_id, month, subworkload, desktop_users, web_users, mobile_users)
SELECT $1, f.month, f.subworkload, sum(f.desktop_users), sum(f.web_users), sum(f.mobile_users)
FROM workload_monthly f
WHERE f.partner_id = $1 AND f.month IN (SELECT month FROM touched_cm)
GROUP BY f.month, f.subworkload)sql",
    R"sql(DELETE FROM rollup_partner_month_allup
WHERE partner_id = $1 AND month IN (SELECT month FROM touched_cm))sql",
    R"sql(INSERT INTO rollup_partner_month_allup (partner_id, month, all_up_users)
SELECT $1, a.month, sum(a.all_up_users)
FROM rollup_customer_month_allup a
WHERE a.partner_id = $1 AND a.month IN (SELECT month FROM touched_cm)
GROUP BY a.month)sql",
    R"sql(UPDATE partners
SET latest_month = greatest(latest_month, (SELECT max(month) FROM touched_cm))
WHERE partner_id = $1)sql",
};

// ---- TeamsUsage3PApps --------------------------------------------------------------------------
inline constexpr char kCreateStageApps[] = R"sql(
CREATE TEMP TABLE stage_rows (
  line bigint NOT NULL, customer_id text COLLATE "C" NOT NULL, month integer NOT NULL,
  app_name text COLLATE "C" NOT NULL, user_count bigint NOT NULL
) ON COMMIT DROP)sql";

inline constexpr char kDuplicatesApps[] = R"sql(
SELECT min(line), (array_agg(line ORDER BY line))[2] AS repeat_line
FROM stage_rows GROUP BY customer_id, month, app_name HAVING count(*) > 1
ORDER BY repeat_line LIMIT 20)sql";

inline constexpr char kReplaceApps[] = R"sql(
WITH up AS (
  UPDATE app_usage_monthly AS f
  SET user_count = s.user_count
  FROM stage_rows s
  WHERE f.partner_id = $1
    AND f.month BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.month = date '1970-01-01' + s.month AND f.customer_id = s.customer_id
    AND f.app_name = s.app_name
    AND f.user_count IS DISTINCT FROM s.user_count
  RETURNING f.customer_id, f.month),
cm AS (INSERT INTO touched_cm SELECT DISTINCT customer_id, month FROM up)
SELECT count(*) FROM up)sql";

inline constexpr char kInsertApps[] = R"sql(
INSERT INTO app_usage_monthly (partner_id, month, customer_id, app_name, user_count)
SELECT $1, date '1970-01-01' + s.month, s.customer_id, s.app_name, s.user_count
FROM stage_rows s
WHERE NOT EXISTS (
  SELECT 1 FROM app_usage_monthly f
  WHERE f.partner_id = $1
    AND f.month BETWEEN date '1970-01-01' + $2::int AND date '1970-01-01' + $3::int
    AND f.month = date '1970-01-01' + s.month AND f.customer_id = s.customer_id
    AND f.app_name = s.app_name))sql";

inline constexpr const char* kRefreshApps[] = {
    R"sql(ANALYZE touched_cm)sql",
    R"sql(DELETE FROM rollup_customer_month_apps r USING touched_cm t
WHERE r.partner_id = $1 AND r.month = t.month AND r.customer_id = t.customer_id)sql",
    R"sql(INSERT INTO rollup_customer_month_apps (partner_id, month, customer_id, app_users, active_apps)
SELECT $1, f.month, f.customer_id, sum(f.user_count), count(*) FILTER (WHERE f.user_count > 0)
FROM app_usage_monthly f
WHERE f.partner_id = $1 AND (f.month, f.customer_id) IN (SELECT month, customer_id FROM touched_cm)
GROUP BY f.month, f.customer_id)sql",
    R"sql(DELETE FROM rollup_partner_month_app
WHERE partner_id = $1 AND month IN (SELECT month FROM touched_cm))sql",
    R"sql(INSERT INTO rollup_partner_month_app (partner_id, month, app_name, user_count, customer_count)
SELECT $1, f.month, f.app_name, sum(f.user_count), count(*) FILTER (WHERE f.user_count > 0)
FROM app_usage_monthly f
WHERE f.partner_id = $1 AND f.month IN (SELECT month FROM touched_cm)
GROUP BY f.month, f.app_name)sql",
    R"sql(UPDATE partners
SET latest_month = greatest(latest_month, (SELECT max(month) FROM touched_cm))
WHERE partner_id = $1)sql",
};

}  // namespace teams_usage::storage::sql

#endif  // TEAMS_STORAGE_INGEST_QUERIES_H_
