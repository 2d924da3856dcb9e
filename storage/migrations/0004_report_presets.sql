-- The dashboard's default views, materialized: for each preset LAST_N_MONTHS (N = 3, 6, 12) and
-- the whole customer set (no filter), what its report shows — the monthly figures of the summary,
-- the trend and the usage by workloads, distinct active customers over the range and the previous
-- period, the per-customer usage the top-customers ranking sorts, and the per-app figures of the
-- apps list — so that answering costs a few indexed rows. Written by
-- every upload that changes the partner's data, in the upload's own transaction, together with
-- the data_version they were computed for; a report uses them only when that version and the
-- resolved range are the ones of its own snapshot (otherwise it computes from the rollups), so
-- they are never stale. Which request uses what: docs/aggregation.md.

CREATE TABLE report_preset_state (
  partner_id            text COLLATE "C" NOT NULL,
  months                smallint NOT NULL,  -- N of LAST_N_MONTHS
  data_version          bigint NOT NULL,
  start_day             date NOT NULL,      -- the resolved range
  end_day               date NOT NULL,
  customers             bigint NOT NULL,    -- distinct active customers in the range
  previous_customers    bigint NOT NULL,    -- ... in the previous period
  previous_meetings       bigint NOT NULL,  -- the previous period's sums
  previous_meeting_hours  double precision NOT NULL,
  previous_calls          bigint NOT NULL,
  previous_phone_systems  bigint NOT NULL,
  ranked_meetings       bigint NOT NULL,    -- customers with meetings > 0 (total_size), etc.
  ranked_calls          bigint NOT NULL,
  ranked_phone_systems  bigint NOT NULL,
  ranked_app_users      bigint NOT NULL,
  listed_apps           bigint NOT NULL,    -- apps with user_count > 0
  PRIMARY KEY (partner_id, months)
);

-- Every month of the range: what the summary, the trend and the usage by workloads show for it
-- (active customers, the meetings-and-calls sums, the client users per subworkload, all-up users).
CREATE TABLE report_preset_month (
  partner_id        text COLLATE "C" NOT NULL,
  months            smallint NOT NULL,
  month             date NOT NULL,
  active_customers  bigint NOT NULL,
  meetings          bigint NOT NULL,
  meeting_hours     double precision NOT NULL,
  calls             bigint NOT NULL,
  phone_systems     bigint NOT NULL,
  meetings_desktop  bigint NOT NULL,
  meetings_web      bigint NOT NULL,
  meetings_mobile   bigint NOT NULL,
  calls_desktop     bigint NOT NULL,
  calls_web         bigint NOT NULL,
  calls_mobile      bigint NOT NULL,
  phone_desktop     bigint NOT NULL,
  phone_web         bigint NOT NULL,
  phone_mobile      bigint NOT NULL,
  all_up_users      bigint NOT NULL,
  PRIMARY KEY (partner_id, months, month)
);

-- Per customer over the range: what ListTopCustomers lists. One partial index per ranking
-- metric, in the ranking's order, so a page is an index range scan of page_size rows.
CREATE TABLE report_preset_customer (
  partner_id     text COLLATE "C" NOT NULL,
  months         smallint NOT NULL,
  customer_id    text COLLATE "C" NOT NULL,
  meetings       bigint NOT NULL,
  meeting_hours  double precision NOT NULL,
  calls          bigint NOT NULL,
  phone_systems  bigint NOT NULL,
  apps           bigint NOT NULL,
  app_users      bigint NOT NULL,
  PRIMARY KEY (partner_id, months, customer_id)
);
CREATE INDEX report_preset_customer_by_meetings
  ON report_preset_customer (partner_id, months, meetings DESC, customer_id) WHERE meetings > 0;
CREATE INDEX report_preset_customer_by_calls
  ON report_preset_customer (partner_id, months, calls DESC, customer_id) WHERE calls > 0;
CREATE INDEX report_preset_customer_by_phone_systems
  ON report_preset_customer (partner_id, months, phone_systems DESC, customer_id)
  WHERE phone_systems > 0;
CREATE INDEX report_preset_customer_by_app_users
  ON report_preset_customer (partner_id, months, app_users DESC, customer_id) WHERE app_users > 0;

-- Per app over the range: what ListApps lists for all customers (apps with users only).
CREATE TABLE report_preset_app (
  partner_id      text COLLATE "C" NOT NULL,
  months          smallint NOT NULL,
  app_name        text COLLATE "C" NOT NULL,
  user_count      bigint NOT NULL,
  customer_count  bigint NOT NULL,
  PRIMARY KEY (partner_id, months, app_name)
);
CREATE INDEX report_preset_app_by_users
  ON report_preset_app (partner_id, months, user_count DESC, app_name);

ALTER TABLE report_preset_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_preset_state FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON report_preset_state
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE report_preset_month ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_preset_month FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON report_preset_month
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE report_preset_customer ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_preset_customer FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON report_preset_customer
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE report_preset_app ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_preset_app FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON report_preset_app
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

-- Every change of a partner's data_version is announced on channel teams_data_version (payload
-- "<version>:<partner_id>"), so that servers can validate their response caches without a
-- database round trip (storage/data_version_tracker.h). Deleting or truncating partners (an
-- operator's act) is announced as "reset": listeners then forget every version they know.
CREATE FUNCTION notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    PERFORM pg_notify('teams_data_version', NEW.data_version::text || ':' || NEW.partner_id);
  ELSE
    PERFORM pg_notify('teams_data_version', 'reset');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER partners_data_version_changed
  AFTER INSERT OR UPDATE OF data_version ON partners
  FOR EACH ROW EXECUTE FUNCTION notify_data_version();
CREATE TRIGGER partners_deleted
  AFTER DELETE ON partners
  FOR EACH STATEMENT EXECUTE FUNCTION notify_data_version();
CREATE TRIGGER partners_truncated
  AFTER TRUNCATE ON partners
  FOR EACH STATEMENT EXECUTE FUNCTION notify_data_version();
