#include "client/export_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "client/progress_bar.h"
#include "client/report_commands.h"
#include "client/table.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::client {

void RecordCounter::Feed(std::string_view bytes) {
  for (char ch : bytes) {
    if (ch == '"') {
      in_quotes_ = !in_quotes_;  // a doubled quote inside a field toggles twice
    } else if (ch == '\n' && !in_quotes_) {
      ++records_;
      pending_ = false;
      continue;
    }
    pending_ = true;
  }
}

namespace {

namespace v1 = teams_usage::v1;

struct ExportArgs {
  std::string dataset;
  std::string format = "csv";
  std::string out;  // empty or "-": stdout
  bool quiet = false;
  FilterArgs filter;
};

v1::Dataset DatasetFromName(const std::string& name) {
  if (name == "meetings-and-calls") return v1::MEETINGS_AND_CALLS;
  if (name == "workload") return v1::WORKLOAD;
  return v1::THIRD_PARTY_APPS;
}

// Where the bytes go: stdout, or a temporary file beside --out that is renamed over it once the
// whole dataset has arrived (a failed export leaves no partial file behind).
class Sink {
 public:
  ~Sink() { Discard(); }
  bool Open(const std::string& out) {
    if (out.empty() || out == "-") {
      file_ = stdout;
      return true;
    }
    struct stat existing {};
    if (stat(out.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
      // A device or a pipe (/dev/stdout, a FIFO): written to as it is, never replaced.
      file_ = std::fopen(out.c_str(), "wb");
      if (file_ == nullptr) {
        std::cerr << "teams-report: cannot open " << out << ": " << std::strerror(errno) << "\n";
        return false;
      }
      target_ = out;
      return true;
    }

    // A symbolic link stays a link: the file it points to is the one replaced.
    char* resolved = realpath(out.c_str(), nullptr);
    target_ = resolved != nullptr ? std::string(resolved) : out;
    std::free(resolved);
    temp_ = target_ + ".partial-XXXXXX";
    const int fd = mkstemp(temp_.data());
    if (fd < 0 || (file_ = fdopen(fd, "wb")) == nullptr) {
      std::cerr << "teams-report: cannot create " << out << ": " << std::strerror(errno) << "\n";
      if (fd >= 0) close(fd);
      temp_.clear();
      return false;
    }
    fchmod(fd, 0666 & ~CurrentUmask());  // as a plain create would
    return true;
  }
  bool Write(const std::string& bytes) {
    return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
  }
  // Flushes and, for a file, moves it into place. False (after printing why) on a write error.
  bool Commit() {
    if (file_ == stdout) return std::fflush(stdout) == 0 || Failed("stdout");
    if (temp_.empty()) {  // a device or a pipe
      const bool closed = std::fclose(file_) == 0;
      file_ = nullptr;
      return closed || Failed(target_);
    }
    const bool written = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!written || !closed || std::rename(temp_.c_str(), target_.c_str()) != 0) {
      return Failed(target_);
    }
    temp_.clear();
    return true;
  }
  void Discard() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    file_ = nullptr;
    if (!temp_.empty()) std::remove(temp_.c_str());
    temp_.clear();
  }
  bool to_stdout() const { return file_ == stdout; }

 private:
  static mode_t CurrentUmask() {
    const mode_t mask = umask(0);
    umask(mask);
    return mask;
  }
  bool Failed(const std::string& what) {
    std::cerr << "teams-report: cannot write " << what << ": " << std::strerror(errno) << "\n";
    return false;
  }
  std::FILE* file_ = nullptr;
  std::string target_;
  std::string temp_;
};

int RunExport(const ConnectionOptions& connection, const ExportArgs& args) {
  const auto channel = MakeChannel(connection);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::TeamsUsageReportService::NewStub(channel);
  grpc::ClientContext context;
  if (!PrepareContext(connection, &context)) return kExitUsage;
  v1::ExportDatasetRequest request;
  request.set_dataset(DatasetFromName(args.dataset));
  *request.mutable_filter() = ToFilter(args.filter);
  request.set_format(args.format == "tsv" ? v1::TSV : v1::CSV);

  Sink sink;
  if (!sink.Open(args.out)) return kExitUsage;
  // The bar goes to stderr when that is a terminal, but not over data going to that terminal.
  const bool show_progress = !args.quiet && isatty(STDERR_FILENO) != 0 &&
                             !(sink.to_stdout() && isatty(STDOUT_FILENO) != 0);
  ProgressBar progress(show_progress, /*total_bytes=*/0, "rows");
  RecordCounter counter;
  int64_t bytes = 0;
  int write_errno = 0;  // set when a write fails

  auto reader = stub->ExportDataset(&context, request);
  v1::FileChunk chunk;
  while (reader->Read(&chunk)) {
    if (!sink.Write(chunk.data())) {
      write_errno = errno != 0 ? errno : EIO;
      context.TryCancel();
      break;
    }
    counter.Feed(chunk.data());
    bytes += static_cast<int64_t>(chunk.data().size());
    progress.Update(bytes, counter.rows());
  }
  const grpc::Status status = reader->Finish();
  if (bytes > 0 || status.ok()) progress.Update(bytes, counter.rows(), /*final=*/true);
  if (write_errno != 0) {
    std::cerr << "teams-report: cannot write " << (sink.to_stdout() ? "stdout" : args.out) << ": "
              << std::strerror(write_errno) << "\n";
    return kExitError;
  }
  if (!status.ok()) return ReportRpcError(status);
  if (!sink.Commit()) return kExitError;
  if (!sink.to_stdout()) {
    std::cout << "exported " << FormatInt(counter.rows()) << " rows ("
              << ProgressBar::HumanBytes(bytes) << ") to " << args.out << "\n";
  }
  return kExitOk;
}

}  // namespace

CLI::App* AddExportCommand(CLI::App& app, const ConnectionOptions* connection,
                           std::function<int()>* run) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd =
      app.add_subcommand("export", "download a raw dataset (the rows in the range) as CSV or TSV");
  cmd->add_option("--dataset", args->dataset, "which dataset")
      ->required()
      ->check(CLI::IsMember({"meetings-and-calls", "workload", "third-party-apps"}));
  cmd->add_option("--format", args->format, "file format")
      ->check(CLI::IsMember({"csv", "tsv"}))
      ->capture_default_str();
  cmd->add_option("--out", args->out, "the file to write (default: stdout)");
  cmd->add_flag("--quiet", args->quiet, "no progress bar");
  AddFilterFlags(cmd, &args->filter);
  cmd->callback([connection, args, run]() {
    *run = [connection, args]() { return RunExport(*connection, *args); };
  });
  return cmd;
}

}  // namespace teams_usage::client
