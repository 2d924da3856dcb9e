// `teams-report export`: streams a raw-download dataset (ExportDataset) to a file or stdout, with
// a progress bar on a terminal.
#ifndef TEAMS_CLIENT_EXPORT_COMMAND_H_
#define TEAMS_CLIENT_EXPORT_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string_view>

#include "client/client_common.h"

namespace teams_usage::client {

CLI::App* AddExportCommand(CLI::App& app, const ConnectionOptions* connection,
                           std::function<int()>* run);

// Counts the records of a CSV/TSV stream fed in chunks of any size: a line end inside a quoted
// field does not end a record. Pure logic.
class RecordCounter {
 public:
  void Feed(std::string_view bytes);
  // Records so far, a last one without its line end included.
  int64_t records() const { return records_ + (pending_ ? 1 : 0); }
  // Records after the header line.
  int64_t rows() const { return records() > 0 ? records() - 1 : 0; }

 private:
  int64_t records_ = 0;
  bool in_quotes_ = false;
  bool pending_ = false;  // bytes after the last record end
};

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_EXPORT_COMMAND_H_
