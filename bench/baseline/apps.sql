-- ListApps (first page of 10) without rollups: per app, the peak over the months of Σ UserCount
-- and the distinct customers with users, from the monthly facts.
WITH f AS (
  SELECT month, customer_id, app_name, user_count FROM app_usage_monthly
  WHERE partner_id = :'partner' AND month BETWEEN date_trunc('month', :'start'::date)
                                              AND date_trunc('month', :'end'::date)),
per_app AS (
  SELECT app_name, max(users) AS user_count FROM (
    SELECT app_name, month, sum(user_count) AS users FROM f GROUP BY 1, 2) m
  GROUP BY 1),
customers AS (
  SELECT app_name, count(DISTINCT customer_id) AS customer_count FROM f WHERE user_count > 0
  GROUP BY 1)
SELECT p.app_name, p.user_count, c.customer_count, count(*) OVER () AS total_size
FROM per_app p LEFT JOIN customers c USING (app_name)
WHERE p.user_count > 0
ORDER BY p.user_count DESC, p.app_name
LIMIT 10;
