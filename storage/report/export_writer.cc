#include "storage/report/export_writer.h"

#include <charconv>
#include <system_error>

namespace teams_usage::report {
namespace {

constexpr const char* kCustomerColumns[] = {
    "PGAMpnID",        "CustomerId",      "CustomerTenantId", "CustomerName", "CustomerCountryCode",
    "CustomerCountry", "CustomerSegment", "IndustryName",     "VerticalName", "EOU"};
constexpr const char* kMeetingsColumns[] = {"DateKey", "Subworkload", "MeetingCount",
                                            "MeetingDuration"};
constexpr const char* kWorkloadColumns[] = {"MonthKey", "SubWorkload", "DesktopUsers",
                                            "WebUsers", "MobileUsers", "AllUpParticipants"};
constexpr const char* kAppsColumns[] = {"DateKey", "AppName", "UserCount"};

}  // namespace

void DelimitedWriter::Separate() {
  if (record_started_) out_.push_back(delimiter_);
  record_started_ = true;
}

void DelimitedWriter::Field(absl::string_view value) {
  Separate();
  bool needs_quotes = false;
  for (char c : value) {
    if (c == delimiter_ || c == '"' || c == '\r' || c == '\n') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out_.append(value.data(), value.size());
    return;
  }
  out_.push_back('"');
  for (char c : value) {
    if (c == '"') out_.push_back('"');
    out_.push_back(c);
  }
  out_.push_back('"');
}

void DelimitedWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
}

void DelimitedWriter::Hours(double value) {
  Separate();
  // Fixed notation of the largest double has 309 digits.
  char buf[400];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec == std::errc()) {
    out_.append(buf, end);
  } else {
    out_.push_back('0');  // unreachable for finite values; stored hours are finite
  }
}

void DelimitedWriter::EndRecord() {
  out_ += "\r\n";
  record_started_ = false;
}

void DelimitedWriter::Header(ingest::Dataset dataset) {
  for (const char* column : kCustomerColumns) Field(column);
  switch (dataset) {
    case ingest::Dataset::kMeetingsAndCalls:
      for (const char* column : kMeetingsColumns) Field(column);
      break;
    case ingest::Dataset::kWorkload:
      for (const char* column : kWorkloadColumns) Field(column);
      break;
    case ingest::Dataset::kThirdPartyApps:
      for (const char* column : kAppsColumns) Field(column);
      break;
  }
  EndRecord();
}

absl::string_view SubworkloadName(int code) {
  switch (code) {
    case 1:
      return "Meetings";
    case 2:
      return "Calls";
    case 3:
      return "PhoneSystems";
  }
  return "";
}

}  // namespace teams_usage::report
