// Real processes for end-to-end tests: the server binary on a free loopback port, and the client
// binary run to completion with its output captured.
#ifndef TEAMS_TESTS_SUPPORT_PROCESSES_H_
#define TEAMS_TESTS_SUPPORT_PROCESSES_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace teams_usage::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

// A private temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// teams-report-server started with `args` (plus --listen on a free port); waits until its health
// service answers SERVING. Sends SIGTERM and waits on destruction.
class ServerProcess {
 public:
  // With `plaintext_health` false (a TLS port), waits for the "serving" log line instead.
  ServerProcess(const std::vector<std::string>& args, const std::string& log_path,
                bool plaintext_health = true);
  ~ServerProcess();
  const std::string& address() const { return address_; }
  // The metrics port the server logged at start-up (0 if none).
  int metrics_port() const;
  bool serving() const { return serving_; }
  // SIGTERM, then the exit status (as from waitpid) once it has exited.
  int Stop();

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::string log_path_;
  bool serving_ = false;
};

// A PostgreSQL server of the test's own (scripts/lib/pg.sh), for tests that stop and start it.
class PrivatePostgres {
 public:
  PrivatePostgres();  // initializes and starts it on a free port
  // A hot standby of `primary`, cloned with pg_basebackup and streaming from it.
  explicit PrivatePostgres(const PrivatePostgres& primary);
  ~PrivatePostgres();
  bool Start();
  bool Stop();
  int port() const { return port_; }
  // As the superuser, database postgres.
  std::string admin_url() const;

 private:
  TempDir dir_;
  int port_;
};

// GET http://127.0.0.1:port/path; the body, or empty on failure.
std::string HttpGet(int port, const std::string& path);
// The value of a Prometheus sample whose line starts with `series` (name{labels}); -1 if absent.
double MetricValue(const std::string& metrics_text, const std::string& series);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `argv` (argv[0] a path), waits, and returns its exit code and output.
CommandResult RunCommand(const std::vector<std::string>& argv);

std::string BinaryPath(const std::string& relative);  // under the build tree
std::string SourcePath(const std::string& relative);  // under the source tree
std::string ReadFile(const std::string& path);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_PROCESSES_H_
