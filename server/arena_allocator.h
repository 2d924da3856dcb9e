// Request and response of a callback-API call on one protobuf arena: a report response of hundreds
// of fields is built without a malloc per field and freed at once (measured in bench/RESULTS.md:
// malloc was the largest single cost of a cached report call).
#ifndef TEAMS_SERVER_ARENA_ALLOCATOR_H_
#define TEAMS_SERVER_ARENA_ALLOCATOR_H_

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace teams_usage::server {

template <typename Request, typename Response>
class ArenaMessageAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions options;
      options.start_block_size = 8 * 1024;  // a typical report response fits in the first block
      return options;
    }
    google::protobuf::Arena arena_;
  };
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_ARENA_ALLOCATOR_H_
