-- Facts, customers and partner state. Every table leads with partner_id, so the schema can be
-- Key text columns use the C collation: orderings (ties by customer_id, apps by name) are byte order.
-- distributed by partner (Citus) unchanged. Dates are calendar days; months are stored as the
-- first day of the month.

CREATE TABLE partners (
  partner_id    text COLLATE "C" PRIMARY KEY,
  -- Bumped exactly when an upload changes some row of this partner (caches key on it).
  data_version  bigint NOT NULL DEFAULT 0,
  -- The latest DateKey in meetings_calls_daily (NULL without such rows).
  data_as_of    date,
  -- The latest month in the monthly datasets (NULL without such rows).
  latest_month  date,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Customer attributes belong to (partner, CustomerId); the newest upload of any dataset sets them.
CREATE TABLE customers (
  partner_id          text COLLATE "C" NOT NULL,
  customer_id         text COLLATE "C" NOT NULL,
  customer_tenant_id  text NOT NULL,
  name                text NOT NULL,
  country_code        text NOT NULL,
  country             text NOT NULL,
  segment             text NOT NULL,
  industry            text NOT NULL,
  vertical            text NOT NULL,
  eou                 text NOT NULL,
  PRIMARY KEY (partner_id, customer_id)
);

-- TeamsUsageMeetingsAndCalls, one row per (partner, customer, day, subworkload).
-- subworkload: 1 Meetings, 2 Calls, 3 PhoneSystems. For calls and phone systems meeting_count is
-- the number of calls and meeting_hours their hours.
-- The key leads with (partner_id, day) so that day ranges (report edges, rollup refreshes) are
-- index range scans.
CREATE TABLE meetings_calls_daily (
  partner_id     text COLLATE "C" NOT NULL,
  day            date NOT NULL,
  customer_id    text COLLATE "C" NOT NULL,
  subworkload    smallint NOT NULL CHECK (subworkload BETWEEN 1 AND 3),
  meeting_count  bigint NOT NULL CHECK (meeting_count >= 0),
  meeting_hours  double precision NOT NULL CHECK (meeting_hours >= 0),
  PRIMARY KEY (partner_id, day, customer_id, subworkload)
);

-- TeamsUsageWorkload, one row per (partner, customer, month, subworkload).
CREATE TABLE workload_monthly (
  partner_id           text COLLATE "C" NOT NULL,
  month                date NOT NULL CHECK (extract(day FROM month) = 1),
  customer_id          text COLLATE "C" NOT NULL,
  subworkload          smallint NOT NULL CHECK (subworkload BETWEEN 1 AND 3),
  desktop_users        bigint NOT NULL CHECK (desktop_users >= 0),
  web_users            bigint NOT NULL CHECK (web_users >= 0),
  mobile_users         bigint NOT NULL CHECK (mobile_users >= 0),
  all_up_participants  bigint NOT NULL CHECK (all_up_participants >= 0),
  PRIMARY KEY (partner_id, month, customer_id, subworkload)
);

-- TeamsUsage3PApps, one row per (partner, customer, month, app).
CREATE TABLE app_usage_monthly (
  partner_id   text COLLATE "C" NOT NULL,
  month        date NOT NULL CHECK (extract(day FROM month) = 1),
  customer_id  text COLLATE "C" NOT NULL,
  app_name     text COLLATE "C" NOT NULL,
  user_count   bigint NOT NULL CHECK (user_count >= 0),
  PRIMARY KEY (partner_id, month, customer_id, app_name)
);
