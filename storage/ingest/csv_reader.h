// A streaming RFC 4180 tokenizer for CSV and TSV: bytes in (in chunks split anywhere), records
// out. Pure logic, no I/O. Used by DatasetParser; the validation of the values lives there.
//
// The dialect:
// - A record ends at CR, LF or CRLF outside quotes (a CRLF split across two Feed calls is still
//   one line end). A line with no bytes at all is skipped (no record).
// - A field that starts with '"' is quoted: it runs to the next lone '"'; inside it the delimiter,
//   CR and LF are data and '""' is one '"'. Text between the closing quote and the next delimiter
//   or line end is a malformed record (reported, not guessed at).
// - A '"' inside an unquoted field is an ordinary character.
// - Physical lines are counted from 1; CR, LF and CRLF each end one line, inside quotes too. A
//   record is named by the line on which it starts.
#ifndef TEAMS_STORAGE_INGEST_CSV_READER_H_
#define TEAMS_STORAGE_INGEST_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace teams_usage::ingest {

// A record (its fields and delimiters) longer than this is not kept but reported as too long, so
// that a hostile file cannot make the reader buffer without bound.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 20;

class CsvReader {
 public:
  enum class Problem {
    kNone,
    kTextAfterQuote,     // e.g. "abc"def,
    kTooLong,            // more than kMaxRecordBytes
    kUnterminatedQuote,  // the input ended inside a quoted field
  };

  struct Record {
    int64_t line = 0;  // the physical line on which the record starts
    Problem problem = Problem::kNone;
    // The field values, unquoted. Meaningless when problem != kNone. Valid only during the call.
    absl::Span<const std::string_view> fields;
  };

  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void OnRecord(const Record& record) = 0;
  };

  CsvReader(char delimiter, Handler* handler);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  void Feed(std::string_view bytes);
  // Emits the last record (one without a line end, or one cut off inside quotes).
  void Finish();

  // Physical lines consumed so far (a last line without a line end counts once it has a byte).
  int64_t lines_read() const;
  char delimiter() const { return delimiter_; }

  // A short, value-free description of a record problem.
  static const char* ProblemReason(Problem problem);

 private:
  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuotedQuote };

  void Touch() {
    if (!record_started_) {
      record_started_ = true;
      record_line_ = line_;
    }
  }
  void Append(const char* p, size_t n) {
    if (too_long_) return;
    if (buf_.size() + ends_.size() + n > kMaxRecordBytes) {
      too_long_ = true;
      return;
    }
    buf_.append(p, n);
  }
  void EndField();
  void EndLine(uint64_t break_end);
  void Emit(Problem problem);

  const char delimiter_;
  Handler* const handler_;
  bool special_[256] = {};  // delimiter, CR, LF

  State state_ = State::kFieldStart;
  bool prev_cr_ = false;  // the last byte was a CR that ended a line
  bool record_started_ = false;
  bool too_long_ = false;
  bool text_after_quote_ = false;
  bool finished_ = false;
  int64_t line_ = 1;             // the physical line of the next byte
  int64_t record_line_ = 1;      // where the current record started
  uint64_t consumed_ = 0;        // bytes consumed before the current Feed call
  uint64_t last_break_end_ = 0;  // offset just past the last line end

  std::string buf_;           // the current record's field bytes, concatenated
  std::vector<size_t> ends_;  // end offset in buf_ of each completed field
  std::vector<std::string_view> fields_;
};

}  // namespace teams_usage::ingest

#endif  // TEAMS_STORAGE_INGEST_CSV_READER_H_
