// Streaming parser and validator for the Partner Center Teams usage raw-download files.
// Pure logic: bytes in, validated rows and row errors out; no I/O.
#ifndef TEAMS_STORAGE_INGEST_DATASET_PARSER_H_
#define TEAMS_STORAGE_INGEST_DATASET_PARSER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/ingest/usage_row.h"

namespace teams_usage::ingest {

struct RowError {
  int64_t line = 0;    // physical line, 1 = the header
  std::string column;  // the column's canonical name (e.g. "MeetingCount"), empty for the record
  std::string reason;  // e.g. "not a non-negative integer"
  // "line 17, column MeetingCount: not a non-negative integer"
  std::string ToString() const;
};

struct ParserOptions {
  Dataset dataset = Dataset::kMeetingsAndCalls;
  FileFormat format = FileFormat::kAuto;
  // When non-empty, a row whose PGAMpnID differs is a row error on column PGAMpnID.
  std::string expected_partner_id;
  // How many row errors to keep; parsing goes on to count rows but keeps no more.
  size_t max_errors = 20;
};

// Feed the file's bytes in chunks of any size (a chunk may split a record, a quoted field or a
// UTF-8 sequence anywhere), then call Finish(). Every valid row is handed to the sink as soon as
// its record is complete; the UsageRow reference is only valid during the call. After the first
// error the sink is no longer called (the upload will be rejected anyway), but validation
// continues so that up to max_errors errors are reported.
class DatasetParser {
 public:
  using RowSink = std::function<void(const UsageRow&)>;

  DatasetParser(ParserOptions options, RowSink sink);
  ~DatasetParser();
  DatasetParser(const DatasetParser&) = delete;
  DatasetParser& operator=(const DatasetParser&) = delete;

  void Feed(std::string_view bytes);
  void Finish();

  bool ok() const;
  // Errors in line order, at most max_errors.
  const std::vector<RowError>& errors() const;
  // Total errors found, including those not kept.
  int64_t error_count() const;
  // Data records read so far (header and blank lines excluded).
  int64_t rows_read() const;
  // Physical lines consumed so far.
  int64_t lines_read() const;
  // The format in use (kCsv or kTsv once the header is read; kAuto before).
  FileFormat format() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One message naming the first errors, e.g.
// "3 bad rows; nothing was applied: line 17, column MeetingCount: not a non-negative integer; ..."
std::string SummarizeErrors(const std::vector<RowError>& errors, int64_t total_errors);

}  // namespace teams_usage::ingest

#endif  // TEAMS_STORAGE_INGEST_DATASET_PARSER_H_
