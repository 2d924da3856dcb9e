-- Tenant isolation inside PostgreSQL, in addition to the partner_id scope of every query: each
-- partner table only shows (and only accepts) the rows of the partner named by the transaction's
-- `app.partner_id` setting, which the service sets first in every transaction
-- (SELECT set_config('app.partner_id', <the token's partner>, true)). A query that forgets its
-- scope sees nothing. FORCE applies the policies to the tables' owner too; only superusers and
-- roles with BYPASSRLS are exempt, and the service must use neither (docs/security.md).

ALTER TABLE partners ENABLE ROW LEVEL SECURITY;
ALTER TABLE partners FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON partners
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON customers
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE meetings_calls_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE meetings_calls_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON meetings_calls_daily
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE workload_monthly ENABLE ROW LEVEL SECURITY;
ALTER TABLE workload_monthly FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON workload_monthly
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE app_usage_monthly ENABLE ROW LEVEL SECURITY;
ALTER TABLE app_usage_monthly FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON app_usage_monthly
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_partner_day ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_partner_day FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_partner_day
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_customer_month ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_customer_month FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_customer_month
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_partner_month ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_partner_month FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_partner_month
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_partner_month_workload ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_partner_month_workload FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_partner_month_workload
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_customer_month_allup ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_customer_month_allup FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_customer_month_allup
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_partner_month_allup ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_partner_month_allup FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_partner_month_allup
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_customer_month_apps ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_customer_month_apps FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_customer_month_apps
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));

ALTER TABLE rollup_partner_month_app ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_partner_month_app FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_isolation ON rollup_partner_month_app
  USING (partner_id = current_setting('app.partner_id', true))
  WITH CHECK (partner_id = current_setting('app.partner_id', true));
