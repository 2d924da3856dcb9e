-- The first statement of every report transaction, in one round trip: scopes the transaction to
-- the partner (app.partner_id, which the row-level security policies read, statement_timeout
-- from the caller's deadline, custom plans; all end with the transaction), then returns the partner's state
-- and, when p_months > 0, the state of its materialized default view LAST_<p_months>_MONTHS with
-- one row per month of it, that month's figures (the partner's and the view's columns repeat). No row: the partner has never uploaded.
-- SECURITY INVOKER (the default): the policies apply to the caller, scoped by the setting above.
CREATE FUNCTION report_begin(p_partner text, p_timeout_ms text, p_months smallint)
RETURNS TABLE (
  data_version          bigint,
  data_as_of            text,
  latest_month          text,
  view_data_version     bigint,
  view_start            text,
  view_end              text,
  view_customers        bigint,
  view_previous         bigint,
  ranked_meetings       bigint,
  ranked_calls          bigint,
  ranked_phone_systems  bigint,
  ranked_app_users      bigint,
  listed_apps           bigint,
  previous_meetings       bigint,
  previous_meeting_hours  double precision,
  previous_calls          bigint,
  previous_phone_systems  bigint,
  month                 text,
  active_customers      bigint,
  meetings              bigint,
  meeting_hours         double precision,
  calls                 bigint,
  phone_systems         bigint,
  meetings_desktop      bigint,
  meetings_web          bigint,
  meetings_mobile       bigint,
  calls_desktop         bigint,
  calls_web             bigint,
  calls_mobile          bigint,
  phone_desktop         bigint,
  phone_web             bigint,
  phone_mobile          bigint,
  all_up_users          bigint
)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- The report's statements are prepared once per connection (parsed once), but always planned
  -- with their parameters: a generic plan cannot fold the "empty list = every customer" filter
  -- conditions, and plans the filtered queries badly.
  PERFORM set_config('app.partner_id', p_partner, true),
          set_config('statement_timeout', p_timeout_ms, true),
          set_config('plan_cache_mode', 'force_custom_plan', true);
  RETURN QUERY
    SELECT p.data_version, p.data_as_of::text, p.latest_month::text,
           s.data_version, s.start_day::text, s.end_day::text, s.customers, s.previous_customers,
           s.ranked_meetings, s.ranked_calls, s.ranked_phone_systems, s.ranked_app_users,
           s.listed_apps, s.previous_meetings, s.previous_meeting_hours, s.previous_calls,
           s.previous_phone_systems, m.month::text, m.active_customers, m.meetings,
           m.meeting_hours, m.calls, m.phone_systems, m.meetings_desktop, m.meetings_web,
           m.meetings_mobile, m.calls_desktop, m.calls_web, m.calls_mobile, m.phone_desktop,
           m.phone_web, m.phone_mobile, m.all_up_users
    FROM partners p
    LEFT JOIN report_preset_state s ON s.partner_id = p.partner_id AND s.months = p_months
    LEFT JOIN report_preset_month m ON m.partner_id = s.partner_id AND m.months = s.months
    WHERE p.partner_id = p_partner;
END
$$;
