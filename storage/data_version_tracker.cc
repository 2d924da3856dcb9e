#include "storage/data_version_tracker.h"

#include <algorithm>
#include <charconv>
#include <pqxx/pqxx>
#include <utility>

namespace teams_usage::storage {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, DataVersionTracker* tracker)
      : pqxx::notification_receiver(connection, kDataVersionChannel), tracker_(tracker) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    tracker_->OnAnnouncement(payload);
  }

 private:
  DataVersionTracker* tracker_;
};

// How often the idle listening connection is checked with a query, so that a connection that
// died silently is noticed within about this long.
constexpr absl::Duration kPingInterval = absl::Seconds(1);

}  // namespace

DataVersionTracker::DataVersionTracker(Options options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

DataVersionTracker::~DataVersionTracker() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

DataVersionTracker::Ticket DataVersionTracker::Begin() const {
  absl::MutexLock lock(&mu_);
  return Ticket{epoch_, listening_};
}

std::optional<int64_t> DataVersionTracker::Known(const Ticket& ticket,
                                                 const std::string& partner_id) const {
  absl::MutexLock lock(&mu_);
  if (!listening_ || !ticket.listening || epoch_ != ticket.epoch) return std::nullopt;
  const auto it = versions_.find(partner_id);
  if (it == versions_.end()) return std::nullopt;
  return it->second;
}

void DataVersionTracker::Learn(const Ticket& ticket, const std::string& partner_id,
                               int64_t version) {
  absl::MutexLock lock(&mu_);
  if (!listening_ || !ticket.listening || epoch_ != ticket.epoch) return;
  int64_t& known = versions_[partner_id];
  known = std::max(known, version);
}

bool DataVersionTracker::WaitUntilListening(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&listening_), timeout);
}

void DataVersionTracker::OnAnnouncement(const std::string& payload) {
  absl::MutexLock lock(&mu_);
  const size_t colon = payload.find(':');
  int64_t version = 0;
  const bool parsed = colon != std::string::npos &&
                      std::from_chars(payload.data(), payload.data() + colon, version).ptr ==
                          payload.data() + colon;
  if (!parsed) {
    // "reset", or anything not understood: forget everything rather than guess.
    ++epoch_;
    versions_.clear();
    return;
  }
  int64_t& known = versions_[payload.substr(colon + 1)];
  known = std::max(known, version);
}

void DataVersionTracker::SetListening(bool listening) {
  absl::MutexLock lock(&mu_);
  ++epoch_;
  versions_.clear();
  listening_ = listening;
}

void DataVersionTracker::Run() {
  for (;;) {
    try {
      pqxx::connection connection(options_.url);
      // Named, so that operators (and tests) can tell it in pg_stat_activity.
      pqxx::nontransaction(connection)
          .exec_params("SELECT set_config('application_name', $1, false)",
                       kListenerApplicationName);
      Receiver receiver(connection, this);
      pqxx::nontransaction(connection).exec("SELECT 1");  // the LISTEN is in effect
      // libpqxx re-establishes a broken connection by itself; announcements of the gap would be
      // lost, so a new backend is treated as a broken connection.
      const int backend = connection.backendpid();
      SetListening(true);
      absl::Time next_ping = absl::Now() + kPingInterval;
      for (;;) {
        {
          absl::MutexLock lock(&mu_);
          if (stopping_) break;
        }
        connection.await_notification(0, 100 * 1000);
        if (absl::Now() >= next_ping) {
          pqxx::nontransaction(connection).exec("SELECT 1");
          next_ping = absl::Now() + kPingInterval;
        }
        if (!connection.is_open() || connection.backendpid() != backend) {
          throw pqxx::broken_connection("the listening connection was lost");
        }
      }
    } catch (const std::exception&) {
      // Not listening: every cached response is validated against the database until we are.
    }
    SetListening(false);
    absl::MutexLock lock(&mu_);
    if (stopping_ || mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.reconnect_delay)) {
      return;
    }
  }
}

}  // namespace teams_usage::storage
