-- GetConversationsTrend without rollups: per month, Σ MeetingCount per subworkload and meeting
-- hours, from the daily facts.
SELECT date_trunc('month', day) AS month,
       sum(meeting_count) FILTER (WHERE subworkload = 1) AS meetings,
       sum(meeting_count) FILTER (WHERE subworkload = 2) AS calls,
       sum(meeting_count) FILTER (WHERE subworkload = 3) AS phone_systems,
       sum(meeting_hours) FILTER (WHERE subworkload = 1) AS meeting_hours
FROM meetings_calls_daily
WHERE partner_id = :'partner' AND day BETWEEN :'start'::date AND :'end'::date
GROUP BY 1 ORDER BY 1;
