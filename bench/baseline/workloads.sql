-- GetUsageByWorkloads without rollups: per month and subworkload the client users, and per month
-- the all-up users (each customer's max over its rows of the month), from the monthly facts.
SELECT month, subworkload, sum(desktop_users), sum(web_users), sum(mobile_users)
FROM workload_monthly
WHERE partner_id = :'partner' AND month BETWEEN date_trunc('month', :'start'::date)
                                            AND date_trunc('month', :'end'::date)
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT month, sum(all_up) FROM (
  SELECT month, customer_id, max(all_up_participants) AS all_up
  FROM workload_monthly
  WHERE partner_id = :'partner' AND month BETWEEN date_trunc('month', :'start'::date)
                                              AND date_trunc('month', :'end'::date)
  GROUP BY 1, 2) c
GROUP BY 1 ORDER BY 1;
