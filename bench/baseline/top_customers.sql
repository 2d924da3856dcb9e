-- ListTopCustomers (by meetings, first page of 10) without rollups: per customer over the range,
-- the sums from the daily facts and the distinct apps and peak monthly app users from the
-- monthly facts, ranked.
WITH m AS (
  SELECT customer_id,
         sum(meeting_count) FILTER (WHERE subworkload = 1) AS meetings,
         sum(meeting_count) FILTER (WHERE subworkload = 2) AS calls,
         sum(meeting_count) FILTER (WHERE subworkload = 3) AS phone_systems,
         sum(meeting_hours) FILTER (WHERE subworkload = 1) AS meeting_hours
  FROM meetings_calls_daily
  WHERE partner_id = :'partner' AND day BETWEEN :'start'::date AND :'end'::date
  GROUP BY customer_id),
a AS (
  SELECT customer_id, count(DISTINCT app_name) FILTER (WHERE user_count > 0) AS apps,
         max(month_users) AS app_users
  FROM (SELECT customer_id, app_name, user_count,
               sum(user_count) OVER (PARTITION BY customer_id, month) AS month_users
        FROM app_usage_monthly
        WHERE partner_id = :'partner' AND month BETWEEN date_trunc('month', :'start'::date)
                                                    AND date_trunc('month', :'end'::date)) x
  GROUP BY customer_id)
SELECT c.customer_id, c.name, m.meetings, m.calls, m.phone_systems, m.meeting_hours, a.apps,
       a.app_users, count(*) OVER () AS total_size
FROM m JOIN customers c ON c.partner_id = :'partner' AND c.customer_id = m.customer_id
LEFT JOIN a ON a.customer_id = m.customer_id
WHERE m.meetings > 0
ORDER BY m.meetings DESC, m.customer_id
LIMIT 10;
