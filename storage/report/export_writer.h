// Writing the raw-download datasets back out (ExportDataset): the Partner Center header line of
// each dataset and RFC 4180 fields, so that an export uploaded again reads back as exactly the
// rows it came from. Pure logic.
#ifndef TEAMS_STORAGE_REPORT_EXPORT_WRITER_H_
#define TEAMS_STORAGE_REPORT_EXPORT_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/ingest/usage_row.h"

namespace teams_usage::report {

// Appends records to a buffer. CSV (',') or TSV ('\t'); records end in CRLF.
class DelimitedWriter {
 public:
  explicit DelimitedWriter(char delimiter) : delimiter_(delimiter) {}

  // A field, quoted (with inner quotes doubled) when it holds the delimiter, a quote, CR or LF —
  // the same rule for TSV as for CSV, which is what the parser reads back.
  void Field(absl::string_view value);
  void Int(int64_t value);
  // The shortest plain decimal (no exponent, which the parser refuses) that reads back as
  // exactly `value`.
  void Hours(double value);
  void EndRecord();

  // The dataset's header line, in the column names the upload parser accepts.
  void Header(ingest::Dataset dataset);

  std::string& buffer() { return out_; }

 private:
  void Separate();
  const char delimiter_;
  bool record_started_ = false;
  std::string out_;
};

// The spelling written for a subworkload code (1..3): Meetings, Calls, PhoneSystems.
absl::string_view SubworkloadName(int code);

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_EXPORT_WRITER_H_
