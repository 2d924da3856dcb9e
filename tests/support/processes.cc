#include "tests/support/processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"

namespace teams_usage::testing {

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

TempDir::TempDir() {
  char pattern[] = "/tmp/teams-test.XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = dir;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  const std::string path = path_ + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path;
}

std::string SourcePath(const std::string& relative) {
  return std::string(TEAMS_SOURCE_DIR) + "/" + relative;
}

std::string BinaryPath(const std::string& relative) {
  return std::string(TEAMS_BINARY_DIR) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args, const std::string& log_path,
                             bool plaintext_health)
    : log_path_(log_path) {
  address_ = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  std::vector<std::string> argv = {BinaryPath("server/teams-report-server"), "--listen", address_};
  // Test servers run side by side: each serves metrics on a port of its own.
  if (std::find(args.begin(), args.end(), "--metrics-listen") == args.end()) {
    argv.insert(argv.end(), {"--metrics-listen", "127.0.0.1:0"});
  }
  // Tests stop their servers at once unless they test the drain.
  if (std::find(args.begin(), args.end(), "--drain-seconds") == args.end()) {
    argv.insert(argv.end(), {"--drain-seconds", "0"});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = Spawn(argv, log_path, log_path + ".err");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;  // exited: serving_ stays false
    }
    if (!plaintext_health) {
      if (ReadFile(log_path).find("\"msg\":\"serving\"") != std::string::npos) {
        serving_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    // A fresh channel per attempt: a channel that saw the port closed would back off for
    // seconds before trying again.
    auto health = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (health->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      serving_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int ServerProcess::metrics_port() const {
  // The "serving" line is logged just after the health status turns SERVING: wait for it.
  const std::string key = "\"metrics_port\":\"";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string log = ReadFile(log_path_);
    const size_t at = log.find(key);
    if (at != std::string::npos) return std::atoi(log.c_str() + at + key.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

ServerProcess::~ServerProcess() { Stop(); }

CommandResult RunCommand(const std::vector<std::string>& argv) {
  TempDir dir;
  const pid_t pid = Spawn(argv, dir.path() + "/out", dir.path() + "/err");
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(dir.path() + "/out");
  result.err = ReadFile(dir.path() + "/err");
  return result;
}

}  // namespace teams_usage::testing

namespace teams_usage::testing {

PrivatePostgres::PrivatePostgres() : port_(FreeLoopbackPort()) { Start(); }

PrivatePostgres::PrivatePostgres(const PrivatePostgres& primary) : port_(FreeLoopbackPort()) {
  const std::string data = dir_.path() + "/data";
  RunCommand({"/bin/bash", "-c",
              "source " + SourcePath("scripts/lib/pg.sh") + " && mkdir -p " + data +
                  " && chown postgres:postgres " + data + " && chmod 700 " + data +
                  " && chmod o+x " + dir_.path() + " && pg_as_owner $PG_BIN/pg_basebackup -D " +
                  data + " -R -X stream -h 127.0.0.1 -p " + std::to_string(primary.port()) +
                  " -U postgres --checkpoint=fast"});
  Start();
}

PrivatePostgres::~PrivatePostgres() { Stop(); }

bool PrivatePostgres::Start() {
  const std::string data = dir_.path() + "/data";
  if (access((data + "/postmaster.pid").c_str(), F_OK) == 0) return true;  // running
  const auto result = RunCommand({"/bin/bash", "-c",
                                  "source " + SourcePath("scripts/lib/pg.sh") + " && pg_start " +
                                      data + " " + std::to_string(port_) + " fsync=off"});
  return result.exit_code == 0;
}

bool PrivatePostgres::Stop() {
  const auto result = RunCommand(
      {"/bin/bash", "-c",
       "source " + SourcePath("scripts/lib/pg.sh") + " && pg_stop " + dir_.path() + "/data"});
  return result.exit_code == 0;
}

std::string PrivatePostgres::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  const std::string request =
      "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

double MetricValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series, 0) == 0 && line.size() > series.size() && line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return -1;
}

}  // namespace teams_usage::testing
