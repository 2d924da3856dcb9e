#include "storage/ingest/dataset_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/civil_date.h"
#include "storage/ingest/csv_reader.h"
#include "storage/ingest/utf8.h"

namespace teams_usage::ingest {
namespace {

// Every column the three datasets know, by canonical name.
enum Col : int {
  kPartner,
  kCustomerId,
  kTenantId,
  kCustomerName,
  kCountryCode,
  kCountry,
  kSegment,
  kIndustry,
  kVertical,
  kEou,
  kDateKey,
  kMonthKey,
  kSubworkload,
  kMeetingCount,
  kMeetingDuration,
  kDesktopUsers,
  kWebUsers,
  kMobileUsers,
  kAllUpParticipants,
  kAppName,
  kUserCount,
  kNumCols,
  kNoCol = kNumCols,  // an error about the whole record
};

constexpr std::array<const char*, kNumCols> kColNames = {
    "PGAMpnID",
    "CustomerId",
    "CustomerTenantId",
    "CustomerName",
    "CustomerCountryCode",
    "CustomerCountry",
    "CustomerSegment",
    "IndustryName",
    "VerticalName",
    "EOU",
    "DateKey",
    "MonthKey",
    "Subworkload",
    "MeetingCount",
    "MeetingDuration",
    "DesktopUsers",
    "WebUsers",
    "MobileUsers",
    "AllUpParticipants",
    "AppName",
    "UserCount",
};

// Header names after NormalizeHeader (lower case, no spaces or underscores), with the known
// alternate spellings.
struct Alias {
  std::string_view name;
  Col col;
};
constexpr Alias kAliases[] = {
    {"pgampnid", kPartner},
    {"customerid", kCustomerId},
    {"customertenantid", kTenantId},
    {"customername", kCustomerName},
    {"customercountrycode", kCountryCode},
    {"customercountry", kCountry},
    {"customersegment", kSegment},
    {"industryname", kIndustry},
    {"verticalname", kVertical},
    {"eou", kEou},
    {"datekey", kDateKey},
    {"monthkey", kMonthKey},
    {"subworkload", kSubworkload},
    {"meetingcount", kMeetingCount},
    {"meetingduration", kMeetingDuration},
    {"desktopusers", kDesktopUsers},
    {"webusers", kWebUsers},
    {"mobileusers", kMobileUsers},
    {"allupparticipants", kAllUpParticipants},
    {"alluppartiticipants", kAllUpParticipants},  // as misspelt in some exports
    {"appname", kAppName},
    {"usercount", kUserCount},
};

constexpr Col kCustomerCols[] = {kPartner, kCustomerId, kTenantId, kCustomerName, kCountryCode,
                                 kCountry, kSegment,    kIndustry, kVertical,     kEou};
constexpr Col kMeetingsCols[] = {kDateKey, kSubworkload, kMeetingCount, kMeetingDuration};
constexpr Col kWorkloadCols[] = {kMonthKey, kSubworkload, kDesktopUsers,
                                 kWebUsers, kMobileUsers, kAllUpParticipants};
constexpr Col kAppsCols[] = {kDateKey, kAppName, kUserCount};

// The dataset's own columns (the customer columns are in every dataset).
absl::Span<const Col> DatasetCols(Dataset dataset) {
  switch (dataset) {
    case Dataset::kMeetingsAndCalls:
      return kMeetingsCols;
    case Dataset::kWorkload:
      return kWorkloadCols;
    case Dataset::kThirdPartyApps:
      return kAppsCols;
  }
  return {};
}

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

// Header cells: case-insensitive, spaces and underscores ignored.
void NormalizeHeader(std::string_view cell, std::string* out) {
  out->clear();
  for (char c : cell) {
    if (c == ' ' || c == '_' || c == '\t' || c == '\r' || c == '\n') continue;
    out->push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
}

// A value as shown in a reason: quoted, at most ~64 bytes of it, control characters and invalid
// UTF-8 escaped, so that a reason is always short, printable, valid UTF-8 and holds nothing but
// (a prefix of) the value itself.
std::string Shown(std::string_view v) {
  constexpr size_t kMaxShown = 64;
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  size_t i = 0;
  while (i < v.size()) {
    if (out.size() > kMaxShown) {  // at most kMaxShown bytes after the opening quote
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(v[i]);
    size_t n = 1;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x80 && (n = Utf8SequenceLength(v, i)) != 0) {
      out.append(v.data() + i, n);
    } else {
      n = 1;
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    i += n;
  }
  out += "'";
  return out;
}

bool ParseDigits(const char* p, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  *out = v;
  return true;
}

// "YYYY-MM" (has_day false) or "YYYY-MM-DD" (has_day true): form only, no range checks.
bool SplitDate(std::string_view s, bool has_day, int* y, int* m, int* d) {
  if (s.size() != (has_day ? 10u : 7u) || s[4] != '-') return false;
  if (!ParseDigits(s.data(), 4, y) || !ParseDigits(s.data() + 5, 2, m)) return false;
  if (!has_day) {
    *d = 1;
    return true;
  }
  return s[7] == '-' && ParseDigits(s.data() + 8, 2, d);
}

// Strips surrounding ASCII white space (space, tab, CR, LF, VT, FF).
std::string_view Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && absl::ascii_isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && absl::ascii_isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

std::string RowError::ToString() const {
  if (column.empty()) return absl::StrCat("line ", line, ": ", reason);
  return absl::StrCat("line ", line, ", column ", column, ": ", reason);
}

std::string SummarizeErrors(const std::vector<RowError>& errors, int64_t total_errors) {
  const int64_t kept = static_cast<int64_t>(errors.size());
  const int64_t total = std::max(total_errors, kept);
  if (total == 0) return "no errors";
  std::string out = absl::StrCat(total, total == 1 ? " bad row/field" : " bad rows/fields",
                                 "; nothing was applied: ");
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += "; ";
    out += errors[i].ToString();
  }
  if (total > kept) absl::StrAppend(&out, kept > 0 ? " " : "", "(and ", total - kept, " more)");
  return out;
}

class DatasetParser::Impl final : public CsvReader::Handler {
 public:
  Impl(ParserOptions options, RowSink sink) : options_(std::move(options)), sink_(std::move(sink)) {
    col_field_.fill(-1);
  }

  void Feed(std::string_view bytes) {
    if (finished_ || bytes.empty()) return;
    if (reader_ != nullptr) {
      reader_->Feed(bytes);
      return;
    }
    pending_.append(bytes.data(), bytes.size());
    Prelude(/*at_end=*/false);
  }

  void Finish() {
    if (finished_) return;
    if (reader_ == nullptr) Prelude(/*at_end=*/true);
    reader_->Finish();
    finished_ = true;
    if (!header_seen_) AddError(1, kNoCol, [] { return "the file is empty: no header line"; });
  }

  bool ok() const { return error_count_ == 0; }
  const std::vector<RowError>& errors() const { return errors_; }
  int64_t error_count() const { return error_count_; }
  int64_t rows_read() const { return rows_read_; }
  int64_t lines_read() const { return reader_ == nullptr ? 0 : reader_->lines_read(); }
  FileFormat format() const {
    if (options_.format != FileFormat::kAuto) return options_.format;
    if (!header_seen_ || reader_ == nullptr) return FileFormat::kAuto;
    return reader_->delimiter() == '\t' ? FileFormat::kTsv : FileFormat::kCsv;
  }

  void OnRecord(const CsvReader::Record& record) override {
    if (!header_seen_) {
      OnHeader(record);
    } else {
      OnData(record);
    }
  }

 private:
  // Before the reader exists: skips a UTF-8 BOM and, for kAuto, buffers the bytes up to the end
  // of the header line (the first line with any bytes) to choose the delimiter. Each byte is
  // scanned once, however the input is chunked.
  void Prelude(bool at_end) {
    if (!bom_checked_) {
      static constexpr char kBom[] = "\xEF\xBB\xBF";
      const size_t n = std::min<size_t>(pending_.size(), 3);
      if (std::memcmp(pending_.data(), kBom, n) != 0) {
        bom_checked_ = true;
      } else if (n == 3) {
        pending_.erase(0, 3);
        bom_checked_ = true;
      } else if (!at_end) {
        return;  // so far a prefix of the BOM
      } else {
        bom_checked_ = true;
      }
    }
    char delimiter = ',';
    if (options_.format == FileFormat::kTsv) {
      delimiter = '\t';
    } else if (options_.format == FileFormat::kAuto) {
      // Only the first kMaxRecordBytes bytes are looked at (a longer header is an error anyway),
      // so that the decision never depends on how the input was chunked.
      bool decided = false;
      const size_t limit = std::min(pending_.size(), kMaxRecordBytes);
      for (; scan_pos_ < limit && !decided; ++scan_pos_) {
        const char c = pending_[scan_pos_];
        if (c == '"') {
          scan_in_quotes_ = !scan_in_quotes_;  // "" toggles twice: no matter
          scan_line_has_bytes_ = true;
        } else if (scan_in_quotes_) {
          continue;
        } else if (c == '\r' || c == '\n') {
          decided = scan_line_has_bytes_;  // else a blank line before the header
        } else {
          scan_line_has_bytes_ = true;
          if (c == '\t') scan_tab_ = true;
        }
      }
      if (!decided && !at_end && scan_pos_ < kMaxRecordBytes) return;
      delimiter = scan_tab_ ? '\t' : ',';
    }
    reader_ = std::make_unique<CsvReader>(delimiter, this);
    std::string bytes;
    bytes.swap(pending_);
    reader_->Feed(bytes);
  }

  template <typename ReasonFn>
  void AddError(int64_t line, Col col, ReasonFn&& reason) {
    ++error_count_;
    if (errors_.size() >= options_.max_errors) return;
    RowError error;
    error.line = line;
    if (col != kNoCol) error.column = kColNames[col];
    error.reason = reason();
    errors_.push_back(std::move(error));
  }

  void OnHeader(const CsvReader::Record& record) {
    header_seen_ = true;
    const int64_t line = record.line;
    if (record.problem != CsvReader::Problem::kNone) {
      AddError(line, kNoCol,
               [&] { return absl::StrCat("header: ", CsvReader::ProblemReason(record.problem)); });
      return;
    }
    const int64_t errors_before = error_count_;
    const absl::Span<const Col> own = DatasetCols(options_.dataset);
    const auto in_dataset = [&](Col col) {
      return std::find(std::begin(kCustomerCols), std::end(kCustomerCols), col) !=
                 std::end(kCustomerCols) ||
             std::find(own.begin(), own.end(), col) != own.end();
    };
    std::string name;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      NormalizeHeader(record.fields[i], &name);
      const Alias* alias = std::find_if(std::begin(kAliases), std::end(kAliases),
                                        [&](const Alias& a) { return a.name == name; });
      if (alias == std::end(kAliases) || !in_dataset(alias->col)) continue;  // ignored column
      int& field = col_field_[alias->col];
      if (field >= 0) {
        AddError(line, alias->col, [&] {
          return absl::StrCat("column appears more than once in the header (fields ", field + 1,
                              " and ", i + 1, ")");
        });
        continue;
      }
      field = static_cast<int>(i);
    }
    const auto check_present = [&](Col col) {
      if (col_field_[col] < 0) AddError(line, col, [] { return "required column is missing"; });
    };
    for (Col col : kCustomerCols) check_present(col);
    for (Col col : own) check_present(col);
    num_fields_ = record.fields.size();
    header_ok_ = error_count_ == errors_before;
  }

  std::string_view Field(const CsvReader::Record& record, Col col) const {
    return Trim(record.fields[static_cast<size_t>(col_field_[col])]);
  }

  // A text column: trimmed of surrounding ASCII white space, valid UTF-8 without NUL.
  void Text(const CsvReader::Record& record, Col col, bool required, std::string* out) {
    const std::string_view v = Field(record, col);
    if (v.empty() && required) {
      AddError(record.line, col, [] { return "required value is empty"; });
      return;
    }
    switch (CheckText(v)) {
      case TextCheck::kOk:
        out->assign(v.data(), v.size());
        return;
      case TextCheck::kNul:
        AddError(record.line, col, [] { return "contains a NUL character"; });
        return;
      case TextCheck::kBadUtf8:
        AddError(record.line, col, [] { return "not valid UTF-8 text"; });
        return;
    }
  }

  // A non-negative integer that fits int64: digits only (surrounding white space allowed).
  void Count(const CsvReader::Record& record, Col col, int64_t* out) {
    const std::string_view v = Field(record, col);
    if (v.empty()) {
      AddError(record.line, col, [] { return "required value is empty"; });
      return;
    }
    for (char c : v) {
      if (c < '0' || c > '9') {
        AddError(record.line, col,
                 [&] { return absl::StrCat("not a non-negative integer: ", Shown(v)); });
        return;
      }
    }
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
      AddError(record.line, col, [&] { return absl::StrCat("integer is too large: ", Shown(v)); });
    }
  }

  // Hours as a plain non-negative decimal: digits with at most one '.', at least one digit
  // ("12", "12.5", ".5", "3."). No sign, no exponent, no thousands separators: a duration in an
  // export is never written otherwise, and anything else is more likely a shifted column.
  void Hours(const CsvReader::Record& record, Col col, double* out) {
    const std::string_view v = Field(record, col);
    if (v.empty()) {
      AddError(record.line, col, [] { return "required value is empty"; });
      return;
    }
    int dots = 0;
    bool digit = false;
    for (char c : v) {
      if (c == '.') {
        ++dots;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        dots = 2;
        break;
      }
    }
    if (dots > 1 || !digit) {
      AddError(record.line, col,
               [&] { return absl::StrCat("not a non-negative decimal number: ", Shown(v)); });
      return;
    }
    double value = 0;
    const auto [ptr, ec] =
        std::from_chars(v.data(), v.data() + v.size(), value, std::chars_format::fixed);
    if (ec == std::errc::result_out_of_range) {
      // Below 1 it can only be an underflow (some 300 zeros after the point): that is zero hours.
      const std::string_view integer_part = v.substr(0, v.find('.'));
      if (integer_part.find_first_not_of('0') == std::string_view::npos) {
        *out = 0;
        return;
      }
      AddError(record.line, col, [&] { return absl::StrCat("number is too large: ", Shown(v)); });
      return;
    }
    if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(value)) {
      AddError(record.line, col,
               [&] { return absl::StrCat("not a non-negative decimal number: ", Shown(v)); });
      return;
    }
    *out = value;
  }

  // DateKey of the daily dataset: a real YYYY-MM-DD in years kMinYear..kMaxYear.
  void Day(const CsvReader::Record& record, Col col, int32_t* out) {
    const std::string_view v = Field(record, col);
    if (v.empty()) {
      AddError(record.line, col, [] { return "required value is empty"; });
      return;
    }
    int y, m, d;
    if (!SplitDate(v, /*has_day=*/true, &y, &m, &d)) {
      AddError(record.line, col,
               [&] { return absl::StrCat("not a date in the form YYYY-MM-DD: ", Shown(v)); });
      return;
    }
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
      AddError(record.line, col, [&] { return absl::StrCat("not a real date: ", Shown(v)); });
      return;
    }
    if (y < kMinYear || y > kMaxYear) {
      AddError(record.line, col, [&] {
        return absl::StrCat("year out of range (", kMinYear, "..", kMaxYear, "): ", Shown(v));
      });
      return;
    }
    *out = DaysFromCivil(y, m, d);
  }

  // MonthKey, and the DateKey of the apps dataset: YYYY-MM or YYYY-MM-01; the first of the month.
  void Month(const CsvReader::Record& record, Col col, int32_t* out) {
    const std::string_view v = Field(record, col);
    if (v.empty()) {
      AddError(record.line, col, [] { return "required value is empty"; });
      return;
    }
    const bool has_day = v.size() == 10;
    int y, m, d;
    if (!SplitDate(v, has_day, &y, &m, &d)) {
      AddError(record.line, col, [&] {
        return absl::StrCat("not a month in the form YYYY-MM or YYYY-MM-01: ", Shown(v));
      });
      return;
    }
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
      AddError(record.line, col, [&] {
        return absl::StrCat(has_day ? "not a real date: " : "not a real month: ", Shown(v));
      });
      return;
    }
    if (d != 1) {
      AddError(record.line, col, [&] {
        return absl::StrCat("must be the first of the month (YYYY-MM-01 or YYYY-MM): ", Shown(v));
      });
      return;
    }
    if (y < kMinYear || y > kMaxYear) {
      AddError(record.line, col, [&] {
        return absl::StrCat("year out of range (", kMinYear, "..", kMaxYear, "): ", Shown(v));
      });
      return;
    }
    *out = DaysFromCivil(y, m, 1);
  }

  // Meetings, Calls, PhoneSystems; also "Phone systems", "Phone System", "PSTN" (any case, spaces
  // and underscores ignored).
  void Workload(const CsvReader::Record& record, Col col, Subworkload* out) {
    const std::string_view v = Field(record, col);
    char norm[16];
    size_t n = 0;
    bool fits = true;
    for (char c : v) {
      if (c == ' ' || c == '_') continue;
      if (n == sizeof norm) {
        fits = false;
        break;
      }
      norm[n++] = absl::ascii_tolower(static_cast<unsigned char>(c));
    }
    const std::string_view s(norm, fits ? n : 0);
    if (s == "meetings") {
      *out = Subworkload::kMeetings;
    } else if (s == "calls") {
      *out = Subworkload::kCalls;
    } else if (s == "phonesystems" || s == "phonesystem" || s == "pstn") {
      *out = Subworkload::kPhoneSystems;
    } else if (v.empty()) {
      AddError(record.line, col, [] { return "required value is empty"; });
    } else {
      AddError(record.line, col, [&] {
        return absl::StrCat("unknown subworkload ", Shown(v),
                            " (expected Meetings, Calls or PhoneSystems)");
      });
    }
  }

  void OnData(const CsvReader::Record& record) {
    ++rows_read_;
    if (!header_ok_) return;  // the header's errors say it all
    if (record.problem != CsvReader::Problem::kNone) {
      AddError(record.line, kNoCol, [&] { return CsvReader::ProblemReason(record.problem); });
      return;
    }
    if (record.fields.size() != num_fields_) {
      AddError(record.line, kNoCol, [&] {
        return absl::StrCat("expected ", num_fields_, " fields, found ", record.fields.size());
      });
      return;
    }
    UsageRow& row = row_;
    row.line = record.line;
    const int64_t errors_before = error_count_;
    Text(record, kPartner, /*required=*/true, &row.partner_id);
    if (error_count_ == errors_before && !options_.expected_partner_id.empty() &&
        row.partner_id != options_.expected_partner_id) {
      AddError(record.line, kPartner, [&] {
        return absl::StrCat("row belongs to partner ", Shown(row.partner_id),
                            ", not to the caller's partner");
      });
    }
    CustomerAttributes& c = row.customer;
    Text(record, kCustomerId, /*required=*/true, &c.customer_id);
    Text(record, kTenantId, false, &c.customer_tenant_id);
    Text(record, kCustomerName, false, &c.name);
    Text(record, kCountryCode, false, &c.country_code);
    Text(record, kCountry, false, &c.country);
    Text(record, kSegment, false, &c.segment);
    Text(record, kIndustry, false, &c.industry);
    Text(record, kVertical, false, &c.vertical);
    Text(record, kEou, false, &c.eou);
    switch (options_.dataset) {
      case Dataset::kMeetingsAndCalls:
        Day(record, kDateKey, &row.date);
        Workload(record, kSubworkload, &row.subworkload);
        Count(record, kMeetingCount, &row.meeting_count);
        Hours(record, kMeetingDuration, &row.meeting_hours);
        break;
      case Dataset::kWorkload:
        Month(record, kMonthKey, &row.date);
        Workload(record, kSubworkload, &row.subworkload);
        Count(record, kDesktopUsers, &row.desktop_users);
        Count(record, kWebUsers, &row.web_users);
        Count(record, kMobileUsers, &row.mobile_users);
        Count(record, kAllUpParticipants, &row.all_up_participants);
        break;
      case Dataset::kThirdPartyApps:
        Month(record, kDateKey, &row.date);
        Text(record, kAppName, /*required=*/true, &row.app_name);
        Count(record, kUserCount, &row.user_count);
        break;
    }
    if (error_count_ == 0 && sink_) sink_(row);
  }

  const ParserOptions options_;
  const RowSink sink_;
  bool finished_ = false;

  // Prelude (before the reader exists).
  std::string pending_;
  bool bom_checked_ = false;
  size_t scan_pos_ = 0;
  bool scan_in_quotes_ = false;
  bool scan_line_has_bytes_ = false;
  bool scan_tab_ = false;

  std::unique_ptr<CsvReader> reader_;

  bool header_seen_ = false;
  bool header_ok_ = false;
  size_t num_fields_ = 0;
  std::array<int, kNumCols> col_field_;  // header field index of each column, -1 when absent

  std::vector<RowError> errors_;
  int64_t error_count_ = 0;
  int64_t rows_read_ = 0;
  UsageRow row_;
};

DatasetParser::DatasetParser(ParserOptions options, RowSink sink)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(sink))) {}
DatasetParser::~DatasetParser() = default;

void DatasetParser::Feed(std::string_view bytes) { impl_->Feed(bytes); }
void DatasetParser::Finish() { impl_->Finish(); }
bool DatasetParser::ok() const { return impl_->ok(); }
const std::vector<RowError>& DatasetParser::errors() const { return impl_->errors(); }
int64_t DatasetParser::error_count() const { return impl_->error_count(); }
int64_t DatasetParser::rows_read() const { return impl_->rows_read(); }
int64_t DatasetParser::lines_read() const { return impl_->lines_read(); }
FileFormat DatasetParser::format() const { return impl_->format(); }

}  // namespace teams_usage::ingest
