// The HTTP server of `cordon serve`: cpp-httplib's Server with a deadline on reading each
// request, so a client that sends its headers (or its body) a byte at a time cannot hold a worker
// for longer than the deadline.
//
// The library's own read timeout applies to each read, so a byte every few seconds would keep a
// connection forever. DeadlineServer serves each connection through a socket stream of its own
// whose reads also fail once the request's deadline has passed: the headers must arrive within
// header_timeout of the request's first byte, the body within body_timeout of the headers (the
// library then answers 400 and closes the connection). The request line and headers together
// are also held to max_header_bytes (the library limits only each line, to 8 KiB). The keep-alive
// loop is the library's (wait up to the keep-alive timeout for a next request, at most
// keep_alive_max_count requests), and ends when the server stops, as the library's does.
//
// Thread safety: as httplib::Server. BodyStarted is called on a worker thread, from the
// pre-routing handler, for the connection that thread serves.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>

namespace cordon::serve {

class DeadlineServer : public httplib::Server {
 public:
  void set_request_deadlines(std::chrono::milliseconds header_timeout,
                             std::chrono::milliseconds body_timeout) {
    header_timeout_ = header_timeout;
    body_timeout_ = body_timeout;
  }
  // The most a request line and its headers may take together (400 above).
  void set_max_header_bytes(size_t bytes) { max_header_bytes_ = bytes; }

  // The headers of the request being read on this thread are in: its body now has body_timeout.
  static void BodyStarted();

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::chrono::milliseconds header_timeout_{10000};
  std::chrono::milliseconds body_timeout_{60000};
  size_t max_header_bytes_ = 64 << 10;
};

}  // namespace cordon::serve
