// client/html_report: the page of one GetReport response — self-contained (a strict CSP, no
// script, no external reference), the header, the KPI tiles and their change, the charts of
// every section, the workload selector, the tables with in-cell bars, escaping and long names;
// and the standalone SVG of each section.
#include "client/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "client/svg.h"
#include "tests/support/markup.h"

namespace teams_usage::client {
namespace {

namespace v1 = teams_usage::v1;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The markup of <section id="ID"> up to its end.
std::string Section(const std::string& page, const std::string& id) {
  const size_t start = page.find("<section id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const size_t end = page.find("</section>", start);
  return page.substr(start, end - start);
}

void SetKpi(v1::Kpi* kpi, double value, double previous, std::optional<double> change,
            const std::vector<double>& monthly) {
  kpi->set_value(value);
  kpi->set_previous_value(previous);
  if (change.has_value()) kpi->set_change_percent(*change);
  const char* months[] = {"2026-08", "2026-09", "2026-10"};
  for (size_t i = 0; i < monthly.size(); ++i) {
    v1::MonthValue* m = kpi->add_monthly();
    m->set_month(months[i]);
    m->set_value(monthly[i]);
  }
}

const char kLongName[] =
    "The Extraordinarily Long Name Of A Customer Holding Company Incorporated Worldwide";

v1::TeamsUsageReport Report() {
  v1::TeamsUsageReport r;
  v1::ResolvedRange range;
  range.set_start_date("2026-08-01");
  range.set_end_date("2026-10-31");
  range.set_data_as_of("2026-10-31");
  range.set_data_version(7);
  v1::Summary* s = r.mutable_summary();
  *s->mutable_range() = range;
  SetKpi(s->mutable_customers(), 60, 60, 0.0, {58, 59, 60});
  SetKpi(s->mutable_meeting_count(), 11348, 11040, 2.789855, {3471, 3517, 4360});
  SetKpi(s->mutable_daily_avg_meeting_count_per_customer(), 2.06, 2.07, -0.48, {1.9, 2.0, 2.3});
  SetKpi(s->mutable_meeting_duration_hours(), 7080.5, 0, std::nullopt, {2000, 0, 5080.5});
  SetKpi(s->mutable_avg_meeting_duration_minutes(), 37.44, 37.5, -0.04, {37.2, 37.9, 37.1});

  v1::ConversationsTrend* t = r.mutable_conversations_trend();
  *t->mutable_range() = range;
  for (const auto& [month, meetings, minutes] :
       std::vector<std::tuple<std::string, int64_t, double>>{
           {"2026-08", 3471, 37.2}, {"2026-09", 0, 0}, {"2026-10", 4360, 37.1}}) {
    v1::TrendPoint* p = t->add_points();
    p->set_month(month);
    p->set_meetings(meetings);
    p->set_calls(meetings * 2);
    p->set_phone_systems(meetings / 10);
    p->set_avg_meeting_duration_minutes(minutes);
  }

  v1::UsageByWorkloads* u = r.mutable_usage_by_workloads();
  *u->mutable_range() = range;
  for (const std::string month : {"2026-08", "2026-09", "2026-10"}) {
    for (v1::Workload w : {v1::MEETINGS, v1::CALLS, v1::PHONE_SYSTEMS}) {
      v1::WorkloadPoint* p = u->add_points();
      p->set_month(month);
      p->set_workload(w);
      p->set_desktop_users(100 * w);
      p->set_mobile_users(50 * w);
      p->set_web_users(10 * w);
    }
    v1::AllUpPoint* a = u->add_all_up();
    a->set_month(month);
    a->set_all_up_users(420);
  }

  const auto customer = [&r](const std::string& name, int64_t meetings) {
    v1::CustomerUsage* c = r.add_top_customers();
    c->mutable_customer()->set_name(name);
    c->mutable_customer()->set_customer_id("id-" + std::to_string(meetings));
    c->mutable_customer()->set_country_code("US");
    c->mutable_customer()->set_country("United States");
    c->set_meetings(meetings);
    c->set_calls(meetings * 2);
    c->set_meeting_duration_hours(meetings * 0.6);
  };
  customer("<Contoso & \"Sons\">", 1234567);  // one huge customer ...
  customer(kLongName, 800);                   // ... and a long tail
  customer("Tailspin", 3);

  v1::AppUsage* a = r.add_top_apps();
  a->set_app_name("Polly <script>alert('x')</script>");
  a->set_user_count(200);
  a->set_customer_count(4);
  a = r.add_top_apps();
  a->set_app_name("Trello");
  a->set_user_count(50);
  a->set_customer_count(2);
  return r;
}

HtmlReportOptions Options() {
  HtmlReportOptions options;
  options.range_label = "last 3 months";
  options.filters = {{"Countries", "US, DE"}, {"Segments", "SMB & Mid"}};
  return options;
}

TEST(HtmlReportTest, IsOneSelfContainedWellFormedPage) {
  const std::string page = RenderHtmlReport(Report(), Options());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(page, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                              "'none'; style-src 'unsafe-inline'; img-src data:\">"));
  EXPECT_THAT(page, HasSubstr("<meta charset=\"utf-8\">"));
  // Nothing to run, nothing to fetch.
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  for (const char* reference : {"src=", "href=", "url(", "@import", "<link", "<img"}) {
    EXPECT_THAT(page, Not(HasSubstr(reference))) << reference;
  }
  // The only URL is the SVG namespace, which is a name, not something loaded.
  const std::regex url("https?://[^\"]*");
  for (std::sregex_iterator it(page.begin(), page.end(), url), end; it != end; ++it) {
    EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg");
  }
  EXPECT_THAT(page, HasSubstr("@media (prefers-color-scheme:dark)"));
  EXPECT_THAT(page, HasSubstr("@media print"));
  EXPECT_EQ(testing::CheckMarkup(page, true), "");
}

TEST(HtmlReportTest, HeaderStatesRangeFiltersAndDataAsOf) {
  const std::string page = RenderHtmlReport(Report(), Options());
  EXPECT_THAT(page, HasSubstr("<dt>Range</dt><dd>2026-08-01 – 2026-10-31 (last 3 months)</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>Filters</dt><dd>Countries: US, DE; Segments: SMB &amp; "
                              "Mid</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>Data as of</dt><dd>2026-10-31</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>Data version</dt><dd>7</dd>"));
  EXPECT_THAT(page, HasSubstr("<title>Teams usage, 2026-08-01 – 2026-10-31</title>"));
  EXPECT_THAT(RenderHtmlReport(Report(), {}),
              HasSubstr("<dt>Filters</dt><dd>none (all customers)</dd>"));
}

TEST(HtmlReportTest, EverySectionHasItsPicture) {
  const std::string page = RenderHtmlReport(Report(), Options());
  for (const char* id : kHtmlReportSections) {
    const std::string section = Section(page, id);
    SCOPED_TRACE(id);
    ASSERT_FALSE(section.empty());
    EXPECT_THAT(section, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_TRUE(section.find("<rect") != std::string::npos ||
                section.find("<path") != std::string::npos);
  }
  EXPECT_EQ(Count(Section(page, "summary"), "<svg "), 5);  // a micro chart per KPI
  EXPECT_EQ(Count(Section(page, "conversations-trend"), "<path class=\"line "), 4);
  EXPECT_EQ(Count(Section(page, "usage-by-workloads"), "class=\"chart bar-chart\""), 3);
}

TEST(HtmlReportTest, KpiTilesShowValueChangeAndMicroChart) {
  const std::string summary = Section(RenderHtmlReport(Report(), Options()), "summary");
  EXPECT_THAT(
      summary,
      HasSubstr(
          "<h3 title=\"Meetings\">Meetings</h3><p class=\"value\">11,348</p><p class=\"change "
          "up\" title=\"previous period: 11,040\"><span "
          "aria-hidden=\"true\">▲</span> +2.8% <span class=\"prev\">vs "
          "11,040</span></p>"));
  EXPECT_THAT(summary, HasSubstr("<p class=\"value\">2.06</p><p class=\"change down\" "
                                 "title=\"previous period: 2.07\"><span "
                                 "aria-hidden=\"true\">▼</span> -0.5%"));
  // No previous value: no change_percent, "n/a".
  EXPECT_THAT(summary, HasSubstr("<p class=\"value\">7,080.5 h</p><p class=\"change none\" "
                                 "title=\"previous period: 0.0 h (no change to compare "
                                 "with)\">n/a <span class=\"prev\">vs 0.0 h</span></p>"));
  // What rounds to 0.0% has no arrow and no colour.
  EXPECT_THAT(summary, HasSubstr("<p class=\"value\">37.4 min</p><p class=\"change flat\" "
                                 "title=\"previous period: 37.5 min\">0.0% "));
  EXPECT_THAT(summary, HasSubstr("<p class=\"change flat\" title=\"previous period: 60\">0.0%"));
  // The micro chart's tooltips carry the unit; a month of zero is a mark, not a gap.
  EXPECT_THAT(summary, HasSubstr("<title>Oct 2026: 5,080.5 h</title>"));
  EXPECT_THAT(summary, HasSubstr("class=\"micro-zero\""));
  EXPECT_THAT(summary, HasSubstr("<title>Oct 2026: 4,360</title>"));
}

TEST(HtmlReportTest, TrendHasThreeLinesAndTheMinutesOnASecondAxis) {
  const std::string trend = Section(RenderHtmlReport(Report(), Options()), "conversations-trend");
  for (const char* name : {">Meetings</text>", ">Calls</text>", ">Phone systems</text>",
                           ">Avg meeting minutes</text>"}) {
    EXPECT_THAT(trend, HasSubstr(name));
  }
  EXPECT_THAT(trend, HasSubstr("class=\"line c4 dashed\""));
  EXPECT_THAT(trend, HasSubstr("Oct 2026 · Calls: 8,720"));
  EXPECT_THAT(trend, HasSubstr("Oct 2026 · Avg meeting minutes: 37.1 min"));
  EXPECT_THAT(trend, HasSubstr("Sep 2026 · Meetings: 0"));  // the empty month is drawn at 0
}

TEST(HtmlReportTest, WorkloadSelectorInPureHtmlAndCss) {
  const std::string page = RenderHtmlReport(Report(), Options());
  const std::string section = Section(page, "usage-by-workloads");
  EXPECT_THAT(section, HasSubstr("<input type=\"radio\" class=\"wl-radio\" name=\"workload\" "
                                 "id=\"wl-meetings\" checked><input type=\"radio\" "
                                 "class=\"wl-radio\" name=\"workload\" id=\"wl-calls\">"));
  EXPECT_THAT(section, HasSubstr("<label for=\"wl-phone-systems\">Phone systems</label>"));
  EXPECT_THAT(page, HasSubstr("#wl-calls:checked~.wl-panels #wl-panel-calls{display:block}"));
  EXPECT_THAT(page, HasSubstr(".wl-panel{display:none}"));
  // Printed, every workload is shown.
  EXPECT_THAT(page, HasSubstr(".wl-panel{display:block!important"));
  // Calls: desktop 200, mobile 100, web 20 per month; phone systems 300, 150, 30.
  EXPECT_THAT(section, HasSubstr("<title>Aug 2026 · Desktop: 200</title>"));
  EXPECT_THAT(section, HasSubstr("<title>Oct 2026 · Web: 30</title>"));
  // The all-up users: a chart of their own, whichever workload is selected.
  EXPECT_THAT(section, HasSubstr("</div></div><div class=\"card all-up\"><svg "));
  EXPECT_THAT(section, HasSubstr("Oct 2026 · All-up users (every workload): 420"));
}

TEST(HtmlReportTest, TablesWithInCellBarsEscapedAndCutNames) {
  const std::string page = RenderHtmlReport(Report(), Options());
  const std::string customers = Section(page, "top-customers");
  EXPECT_THAT(customers,
              HasSubstr("<td class=\"name\" title=\"&lt;Contoso &amp; &quot;Sons&quot;&gt;\">"
                        "&lt;Contoso &amp; &quot;Sons&quot;&gt;</td>"));
  EXPECT_THAT(page, Not(HasSubstr("<Contoso")));
  // The long name: cut to 40 columns in the cell, whole in the tooltip.
  EXPECT_THAT(customers, HasSubstr(std::string("title=\"") + kLongName + "\">" +
                                   "The Extraordinarily Long Name Of A Cust…</td>"));
  // Bars relative to the largest row: 100; 800 of 1,234,567 is 0.065, drawn as the 1-unit
  // minimum; 3 likewise.
  EXPECT_THAT(customers, HasSubstr("<rect class=\"bar c1\" width=\"100\" height=\"10\"/></svg>"
                                   "<span>1,234,567</span>"));
  EXPECT_THAT(customers, HasSubstr("<rect class=\"bar c1\" width=\"1\" height=\"10\"/></svg>"
                                   "<span>800</span>"));
  EXPECT_THAT(customers, HasSubstr("<td class=\"num\">2,469,134</td>"));  // calls
  EXPECT_THAT(customers, HasSubstr("<td class=\"num\">740,740.2</td>"));  // meeting hours
  EXPECT_THAT(customers, HasSubstr("<td title=\"United States\">US</td>"));

  const std::string apps = Section(page, "top-apps");
  EXPECT_THAT(apps, HasSubstr("Polly &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(apps, HasSubstr("<rect class=\"bar c1\" width=\"25\" height=\"10\"/></svg>"
                              "<span>50</span>"));
}

TEST(HtmlReportTest, AnEmptyReportStillRenders) {
  v1::TeamsUsageReport empty;
  const std::string page = RenderHtmlReport(empty, {});
  EXPECT_THAT(page, HasSubstr("No months in this range"));
  EXPECT_THAT(page, HasSubstr("No customer held a meeting in this range."));
  EXPECT_THAT(page, HasSubstr("No third-party app was used in this range."));
  EXPECT_THAT(page, HasSubstr("<dd>no data yet</dd>"));
  EXPECT_EQ(Count(page, "class=\"chart bar-chart\""), 3);  // every workload, empty
  EXPECT_EQ(testing::CheckMarkup(page, true), "");
}

TEST(HtmlReportTest, OneStandaloneSvgPerSection) {
  const auto svgs = RenderSectionSvgs(Report());
  ASSERT_EQ(svgs.size(), std::size(kHtmlReportSections));
  for (size_t i = 0; i < svgs.size(); ++i) {
    SCOPED_TRACE(svgs[i].name);
    EXPECT_EQ(svgs[i].name, kHtmlReportSections[i]);
    EXPECT_EQ(svgs[i].svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=", 0), 0u);
    EXPECT_THAT(svgs[i].svg, HasSubstr("<style>"));
    EXPECT_EQ(testing::CheckMarkup(svgs[i].svg, false), "");
  }
  EXPECT_THAT(svgs[0].svg, HasSubstr("<text class=\"up\" x=\"12\" y=\"70\">▲ +2.8%</text>"));
  EXPECT_THAT(svgs[0].svg, HasSubstr("<text class=\"none\" x=\"12\" y=\"70\">n/a</text>"));
  EXPECT_EQ(Count(svgs[2].svg, "class=\"chart bar-chart\""), 3);
  EXPECT_THAT(svgs[3].svg, HasSubstr("&lt;Contoso &amp; &quot;Sons&quot;&gt;: 1,234,567"));
  EXPECT_THAT(svgs[4].svg, HasSubstr(">Trello</text>"));
}

}  // namespace
}  // namespace teams_usage::client
