-- Rollups maintained by ingestion in the upload's own transaction (storage/ingest_store.cc), so a
-- report never sees half an upload. Each is a pure function of the fact tables; see
-- docs/aggregation.md for which report section reads which rollup.

-- Per partner and day: the day's sums per subworkload and its active customers (customers with a
-- meetings-and-calls row of that day whose MeetingCount > 0, any subworkload).
CREATE TABLE rollup_partner_day (
  partner_id          text COLLATE "C" NOT NULL,
  day                 date NOT NULL,
  meetings            bigint NOT NULL,
  meeting_hours       double precision NOT NULL,
  calls               bigint NOT NULL,
  call_hours          double precision NOT NULL,
  phone_systems       bigint NOT NULL,
  phone_system_hours  double precision NOT NULL,
  active_customers    integer NOT NULL,
  PRIMARY KEY (partner_id, day)
);

-- Per customer and month: the month's sums per subworkload and a bitmask of the days of the month
-- on which the customer was active (bit d-1 for day d), so distinct customers over any range,
-- whole months or not, is answered without the daily facts.
CREATE TABLE rollup_customer_month (
  partner_id          text COLLATE "C" NOT NULL,
  month               date NOT NULL,
  customer_id         text COLLATE "C" NOT NULL,
  meetings            bigint NOT NULL,
  meeting_hours       double precision NOT NULL,
  calls               bigint NOT NULL,
  call_hours          double precision NOT NULL,
  phone_systems       bigint NOT NULL,
  phone_system_hours  double precision NOT NULL,
  active_days         integer NOT NULL,
  PRIMARY KEY (partner_id, month, customer_id)
);

-- Per partner and month: sums of rollup_customer_month and the month's active customers.
CREATE TABLE rollup_partner_month (
  partner_id          text COLLATE "C" NOT NULL,
  month               date NOT NULL,
  meetings            bigint NOT NULL,
  meeting_hours       double precision NOT NULL,
  calls               bigint NOT NULL,
  call_hours          double precision NOT NULL,
  phone_systems       bigint NOT NULL,
  phone_system_hours  double precision NOT NULL,
  active_customers    integer NOT NULL,
  PRIMARY KEY (partner_id, month)
);

-- Per partner, month and subworkload: Σ over customers of the client users.
CREATE TABLE rollup_partner_month_workload (
  partner_id     text COLLATE "C" NOT NULL,
  month          date NOT NULL,
  subworkload    smallint NOT NULL,
  desktop_users  bigint NOT NULL,
  web_users      bigint NOT NULL,
  mobile_users   bigint NOT NULL,
  PRIMARY KEY (partner_id, month, subworkload)
);

-- Per customer and month: the all-up participants (the max over the month's workload rows, since
-- the value repeats on each subworkload row).
CREATE TABLE rollup_customer_month_allup (
  partner_id    text COLLATE "C" NOT NULL,
  month         date NOT NULL,
  customer_id   text COLLATE "C" NOT NULL,
  all_up_users  bigint NOT NULL,
  PRIMARY KEY (partner_id, month, customer_id)
);

-- Per partner and month: Σ over customers of rollup_customer_month_allup.
CREATE TABLE rollup_partner_month_allup (
  partner_id    text COLLATE "C" NOT NULL,
  month         date NOT NULL,
  all_up_users  bigint NOT NULL,
  PRIMARY KEY (partner_id, month)
);

-- Per customer and month: Σ UserCount over the customer's apps, and how many apps had users.
CREATE TABLE rollup_customer_month_apps (
  partner_id   text COLLATE "C" NOT NULL,
  month        date NOT NULL,
  customer_id  text COLLATE "C" NOT NULL,
  app_users    bigint NOT NULL,
  active_apps  integer NOT NULL,
  PRIMARY KEY (partner_id, month, customer_id)
);

-- Per partner, month and app: Σ UserCount over customers and the customers with UserCount > 0.
CREATE TABLE rollup_partner_month_app (
  partner_id      text COLLATE "C" NOT NULL,
  month           date NOT NULL,
  app_name        text COLLATE "C" NOT NULL,
  user_count      bigint NOT NULL,
  customer_count  integer NOT NULL,
  PRIMARY KEY (partner_id, month, app_name)
);
