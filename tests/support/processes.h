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
  ServerProcess(const std::vector<std::string>& args, const std::string& log_path);
  ~ServerProcess();
  const std::string& address() const { return address_; }
  bool serving() const { return serving_; }
  // SIGTERM, then the exit status (as from waitpid) once it has exited.
  int Stop();

 private:
  pid_t pid_ = -1;
  std::string address_;
  bool serving_ = false;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `argv` (argv[0] a path), waits, and returns its exit code and output.
CommandResult RunCommand(const std::vector<std::string>& argv);

std::string BinaryPath(const std::string& relative);  // under the build tree
std::string ReadFile(const std::string& path);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_PROCESSES_H_
