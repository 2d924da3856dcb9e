#include "client/upload_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "client/progress_bar.h"
#include "client/table.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::client {
namespace {

namespace v1 = teams_usage::v1;

struct UploadArgs {
  std::string dataset;
  std::string format = "auto";
  std::string file;
  int chunk_kib = 256;
  bool quiet = false;
};

v1::Dataset DatasetFromName(const std::string& name) {
  if (name == "meetings-and-calls") return v1::MEETINGS_AND_CALLS;
  if (name == "workload") return v1::WORKLOAD;
  return v1::THIRD_PARTY_APPS;
}

int RunUpload(const ConnectionOptions& connection, const UploadArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::cerr << "teams-report: cannot open " << args.file << "\n";
    return kExitUsage;
  }
  in.seekg(0, std::ios::end);
  const int64_t total = static_cast<int64_t>(in.tellg());
  in.seekg(0);

  const auto channel = MakeChannel(connection);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  grpc::ClientContext context;
  if (!PrepareContext(connection, &context)) return kExitUsage;
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&context, &response);

  v1::UploadDatasetRequest request;
  v1::UploadHeader* header = request.mutable_header();
  header->set_dataset(DatasetFromName(args.dataset));
  header->set_format(args.format == "csv"   ? v1::CSV
                     : args.format == "tsv" ? v1::TSV
                                            : v1::FILE_FORMAT_UNSPECIFIED);
  header->set_file_name(args.file.substr(args.file.find_last_of('/') + 1));
  bool open = writer->Write(request);

  ProgressBar progress(!args.quiet && isatty(STDERR_FILENO) != 0, total);
  std::vector<char> buffer(static_cast<size_t>(args.chunk_kib) * 1024);
  int64_t sent = 0;
  int64_t lines = 0;
  while (open && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    lines += std::count(buffer.data(), buffer.data() + n, '\n');
    request.Clear();
    request.set_data(buffer.data(), static_cast<size_t>(n));
    open = writer->Write(request);
    sent += n;
    progress.Update(sent, lines);
  }
  progress.Update(sent, lines, /*final=*/true);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    const int code = ReportRpcError(status);
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find("teams-upload-errors-bin");
    if (it != trailers.end()) {
      v1::UploadErrorDetails details;
      if (details.ParseFromArray(it->second.data(), static_cast<int>(it->second.size()))) {
        for (const auto& e : details.errors()) {
          std::cerr << "  line " << e.line();
          if (!e.column().empty()) std::cerr << ", column " << e.column();
          std::cerr << ": " << e.reason() << "\n";
        }
        if (details.error_count() > details.errors_size()) {
          std::cerr << "  (and " << details.error_count() - details.errors_size() << " more)\n";
        }
      }
    }
    return code;
  }
  std::cout << "uploaded " << args.file << ": " << FormatInt(response.rows_read()) << " rows read, "
            << FormatInt(response.rows_inserted()) << " inserted, "
            << FormatInt(response.rows_replaced()) << " replaced, "
            << FormatInt(response.rows_unchanged()) << " unchanged; data version "
            << response.data_version() << "\n";
  return kExitOk;
}

}  // namespace

CLI::App* AddUploadCommand(CLI::App& app, const ConnectionOptions* connection,
                           std::function<int()>* run) {
  auto args = std::make_shared<UploadArgs>();
  CLI::App* cmd = app.add_subcommand("upload", "upload a Teams usage raw-download file (CSV/TSV)");
  cmd->add_option("--dataset", args->dataset, "which dataset the file holds")
      ->required()
      ->check(CLI::IsMember({"meetings-and-calls", "workload", "third-party-apps"}));
  cmd->add_option("--format", args->format, "file format")
      ->check(CLI::IsMember({"auto", "csv", "tsv"}))
      ->capture_default_str();
  cmd->add_option("--chunk-kib", args->chunk_kib, "size of each streamed chunk, KiB")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "no progress bar");
  cmd->add_option("file", args->file, "the file to upload")->required();
  cmd->callback([connection, args, run]() {
    *run = [connection, args]() { return RunUpload(*connection, *args); };
  });
  return cmd;
}

}  // namespace teams_usage::client
