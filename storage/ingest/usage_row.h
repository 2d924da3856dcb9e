// The typed, validated form of one row of a Partner Center Teams usage raw-download file.
#ifndef TEAMS_STORAGE_INGEST_USAGE_ROW_H_
#define TEAMS_STORAGE_INGEST_USAGE_ROW_H_

#include <cstdint>
#include <string>

namespace teams_usage::ingest {

enum class Dataset {
  kMeetingsAndCalls = 1,  // TeamsUsageMeetingsAndCalls, daily
  kWorkload = 2,          // TeamsUsageWorkload, monthly
  kThirdPartyApps = 3,    // TeamsUsage3PApps, monthly
};

// Values match teams_usage.v1.Workload and the `subworkload` columns in PostgreSQL.
enum class Subworkload : int16_t {
  kMeetings = 1,
  kCalls = 2,
  kPhoneSystems = 3,
};

enum class FileFormat {
  kAuto = 0,  // decided from the header line: a tab in it means TSV, otherwise CSV
  kCsv = 1,
  kTsv = 2,
};

// The customer columns present in every dataset.
struct CustomerAttributes {
  std::string customer_id;         // CustomerId
  std::string customer_tenant_id;  // CustomerTenantId
  std::string name;                // CustomerName
  std::string country_code;        // CustomerCountryCode
  std::string country;             // CustomerCountry
  std::string segment;             // CustomerSegment
  std::string industry;            // IndustryName
  std::string vertical;            // VerticalName
  std::string eou;                 // EOU
};

// One validated row. Only the fields of the row's dataset are meaningful.
struct UsageRow {
  int64_t line = 0;        // physical line (1 = header) on which the record starts
  std::string partner_id;  // PGAMpnID
  CustomerAttributes customer;
  // Days since 1970-01-01: the DateKey for meetings-and-calls, the first of the month otherwise.
  int32_t date = 0;
  Subworkload subworkload = Subworkload::kMeetings;  // meetings-and-calls, workload

  int64_t meeting_count = 0;  // MeetingCount
  double meeting_hours = 0;   // MeetingDuration

  int64_t desktop_users = 0;        // DesktopUsers
  int64_t web_users = 0;            // WebUsers
  int64_t mobile_users = 0;         // MobileUsers
  int64_t all_up_participants = 0;  // AllUpParticipants

  std::string app_name;    // AppName
  int64_t user_count = 0;  // UserCount
};

}  // namespace teams_usage::ingest

#endif  // TEAMS_STORAGE_INGEST_USAGE_ROW_H_
