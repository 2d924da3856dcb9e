-- GetSummary without rollups: the five KPIs over the range and the previous period, and the
-- monthly series, straight from the facts. psql variables: partner, start, end, prev_start,
-- prev_end ('YYYY-MM-DD').
WITH f AS (
  SELECT day, customer_id, subworkload, meeting_count, meeting_hours,
         day >= :'start'::date AS in_range
  FROM meetings_calls_daily
  WHERE partner_id = :'partner' AND day BETWEEN :'prev_start'::date AND :'end'::date
)
SELECT in_range,
       count(DISTINCT customer_id) FILTER (WHERE meeting_count > 0) AS customers,
       sum(meeting_count) FILTER (WHERE subworkload = 1) AS meetings,
       sum(meeting_hours) FILTER (WHERE subworkload = 1) AS meeting_hours
FROM f GROUP BY in_range;
SELECT date_trunc('month', day) AS month,
       count(DISTINCT customer_id) FILTER (WHERE meeting_count > 0) AS customers,
       sum(meeting_count) FILTER (WHERE subworkload = 1) AS meetings,
       sum(meeting_hours) FILTER (WHERE subworkload = 1) AS meeting_hours
FROM meetings_calls_daily
WHERE partner_id = :'partner' AND day BETWEEN :'start'::date AND :'end'::date
GROUP BY 1 ORDER BY 1;
