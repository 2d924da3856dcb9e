// Partners' current data_version, known in the process without a database round trip, so that a
// cached report response can be served with no query at all and still never be older than what
// the database announced.
//
// A dedicated connection LISTENs on channel teams_data_version, on which every change of a
// partner's data_version is announced by a trigger in the committing transaction
// (migrations/0004_report_presets.sql). The tracker learns a partner's version from a snapshot
// read (Learn) and then follows the announcements; versions only grow, so it keeps the largest it
// has seen. Whenever the listening connection is not established — at start, after it broke, until
// it is back — the tracker knows nothing and callers go to the database; each (re)connection
// starts a new epoch that forgets everything, because announcements may have been missed in the
// gap. A "reset" announcement (partners deleted or truncated) also starts a new epoch.
//
// Freshness: an upload through this process is known before its RPC returns (Learn is called
// after the commit); one through another process becomes known when its announcement arrives,
// typically well under a millisecond after the commit (docs/operations.md).
#ifndef TEAMS_STORAGE_DATA_VERSION_TRACKER_H_
#define TEAMS_STORAGE_DATA_VERSION_TRACKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace teams_usage::storage {

inline constexpr char kDataVersionChannel[] = "teams_data_version";
// The listening connection's application_name.
inline constexpr char kListenerApplicationName[] = "teams-data-version-listener";

class DataVersionTracker {
 public:
  struct Options {
    std::string url;  // libpq URL of the primary
    absl::Duration reconnect_delay = absl::Seconds(1);
  };
  // Starts listening in a background thread.
  explicit DataVersionTracker(Options options);
  ~DataVersionTracker();
  DataVersionTracker(const DataVersionTracker&) = delete;
  DataVersionTracker& operator=(const DataVersionTracker&) = delete;

  // Taken before reading a version from the database: Learn accepts the read only if the tracker
  // listened the whole time since (no announcement can have been missed in between).
  struct Ticket {
    uint64_t epoch = 0;
    bool listening = false;
  };
  Ticket Begin() const;

  // The partner's current version, when known in the ticket's epoch.
  std::optional<int64_t> Known(const Ticket& ticket, const std::string& partner_id) const;

  // Records `version` of `partner_id`, read from a snapshot taken after `ticket`.
  void Learn(const Ticket& ticket, const std::string& partner_id, int64_t version);

  // Blocks until listening (or `timeout`); true when listening. For start-up and tests.
  bool WaitUntilListening(absl::Duration timeout) const;

  // Handles one announcement's payload ("<version>:<partner_id>" or "reset"); public for tests.
  void OnAnnouncement(const std::string& payload);

 private:
  void Run();
  void SetListening(bool listening);

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> versions_ ABSL_GUARDED_BY(mu_);
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  bool listening_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace teams_usage::storage

#endif  // TEAMS_STORAGE_DATA_VERSION_TRACKER_H_
