#include "storage/ingest/csv_reader.h"

namespace teams_usage::ingest {

CsvReader::CsvReader(char delimiter, Handler* handler) : delimiter_(delimiter), handler_(handler) {
  special_[static_cast<unsigned char>(delimiter)] = true;
  special_[static_cast<unsigned char>('\r')] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  buf_.reserve(1024);
  ends_.reserve(32);
  fields_.reserve(32);
}

const char* CsvReader::ProblemReason(Problem problem) {
  switch (problem) {
    case Problem::kNone:
      return "";
    case Problem::kTextAfterQuote:
      return "malformed quoted field: text after the closing quote";
    case Problem::kTooLong:
      return "record is longer than 1048576 bytes";
    case Problem::kUnterminatedQuote:
      return "unterminated quoted field: the file ends inside quotes";
  }
  return "";
}

int64_t CsvReader::lines_read() const { return line_ - 1 + (consumed_ > last_break_end_ ? 1 : 0); }

void CsvReader::EndField() {
  if (too_long_) return;
  ends_.push_back(buf_.size());
  if (buf_.size() + ends_.size() > kMaxRecordBytes) too_long_ = true;
}

void CsvReader::Emit(Problem problem) {
  if (problem == Problem::kNone) {
    if (too_long_) {
      problem = Problem::kTooLong;
    } else if (text_after_quote_) {
      problem = Problem::kTextAfterQuote;
    }
  }
  fields_.clear();
  if (problem == Problem::kNone) {
    size_t begin = 0;
    for (size_t end : ends_) {
      fields_.emplace_back(buf_.data() + begin, end - begin);
      begin = end;
    }
  }
  Record record;
  record.line = record_line_;
  record.problem = problem;
  record.fields = absl::MakeConstSpan(fields_);
  handler_->OnRecord(record);
  buf_.clear();
  ends_.clear();
  record_started_ = false;
  too_long_ = false;
  text_after_quote_ = false;
}

// A line end outside quotes: ends the record, if any (a line with no bytes is no record).
void CsvReader::EndLine(uint64_t break_end) {
  if (record_started_) {
    EndField();
    Emit(Problem::kNone);
  }
  ++line_;
  last_break_end_ = break_end;
  state_ = State::kFieldStart;
}

void CsvReader::Feed(std::string_view bytes) {
  if (finished_) return;
  const char* const begin = bytes.data();
  const char* p = begin;
  const char* const end = p + bytes.size();
  while (p < end) {
    if (prev_cr_) {
      prev_cr_ = false;
      if (*p == '\n') {  // the LF of a CRLF: the line end was counted at the CR
        if (state_ == State::kQuoted) Append(p, 1);
        ++p;
        last_break_end_ = consumed_ + static_cast<uint64_t>(p - begin);
        continue;
      }
    }
    switch (state_) {
      case State::kFieldStart:
        if (*p == '"') {
          Touch();
          state_ = State::kQuoted;
          ++p;
          break;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        const char* run = p;
        while (p < end && !special_[static_cast<unsigned char>(*p)]) ++p;
        if (p != run) {
          Touch();
          Append(run, static_cast<size_t>(p - run));
        }
        if (p == end) break;
        const char c = *p++;
        if (c == delimiter_) {
          Touch();
          EndField();
          state_ = State::kFieldStart;
        } else {
          EndLine(consumed_ + static_cast<uint64_t>(p - begin));
          prev_cr_ = c == '\r';
        }
        break;
      }
      case State::kQuoted: {
        const char* run = p;
        while (p < end && *p != '"' && *p != '\r' && *p != '\n') ++p;
        Append(run, static_cast<size_t>(p - run));
        if (p == end) break;
        const char c = *p++;
        if (c == '"') {
          state_ = State::kQuotedQuote;
        } else {  // a line end inside quotes is data, and still a physical line
          Append(&c, 1);
          ++line_;
          last_break_end_ = consumed_ + static_cast<uint64_t>(p - begin);
          prev_cr_ = c == '\r';
        }
        break;
      }
      case State::kQuotedQuote: {
        const char c = *p;
        if (c == '"') {  // "" inside quotes
          Append(p, 1);
          ++p;
          state_ = State::kQuoted;
        } else if (c == delimiter_) {
          ++p;
          EndField();
          state_ = State::kFieldStart;
        } else if (c == '\r' || c == '\n') {
          ++p;
          EndLine(consumed_ + static_cast<uint64_t>(p - begin));
          prev_cr_ = c == '\r';
        } else {  // text after the closing quote: keep reading the field, report the record
          text_after_quote_ = true;
          state_ = State::kUnquoted;
        }
        break;
      }
    }
  }
  consumed_ += bytes.size();
}

void CsvReader::Finish() {
  if (finished_) return;
  finished_ = true;
  if (state_ == State::kQuoted) {
    Emit(Problem::kUnterminatedQuote);
  } else if (record_started_) {
    EndField();
    Emit(Problem::kNone);
  }
  state_ = State::kFieldStart;
}

}  // namespace teams_usage::ingest
