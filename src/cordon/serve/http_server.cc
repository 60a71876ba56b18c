#include "cordon/serve/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace cordon::serve {
namespace {

using Clock = std::chrono::steady_clock;

// Waits up to `timeout_ms` for `events` on `fd`: >0 ready, 0 timed out, <0 error.
int PollFor(int fd, short events, int64_t timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, timeout_ms)));
    if (n < 0 && errno == EINTR) continue;
    if (n > 0 && (p.revents & (POLLERR | POLLNVAL)) != 0) return -1;
    return n;
  }
}

void Address(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

// A connection's socket as the library's Stream: buffered reads that fail at the request's
// deadline as well as after the per-read timeout; writes that wait up to the write timeout.
//
// System calls are the cost of a small request on a virtual machine, so each is spent only where
// needed: a read or write is tried at once and waits (poll) only when the socket is not ready;
// the peer's and our address are asked for once per connection, not per request; and the block of
// response headers is held back and sent with the first body write, in one segment. What is held
// is sent before the library waits on a content provider (is_writable), before any read that has
// to wait for the peer (an interim "100 Continue" is such a block: the client waits for it before
// sending the body), and when the connection ends.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int fd, std::chrono::milliseconds read_timeout,
                 std::chrono::milliseconds write_timeout)
      : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }
  // Bytes the library may read before BodyStarted (the request line and headers); SIZE_MAX: any.
  void set_header_budget(size_t bytes) { header_budget_ = bytes; }

  bool is_readable() const override {
    // What is held goes out before we wait on the peer: an interim "100 Continue" is a header
    // block the client waits for before it sends the body.
    if (off_ >= size_ && !Flush()) return false;
    return off_ < size_ || PollFor(fd_, POLLIN, ReadWaitMs()) > 0;
  }
  bool is_writable() const override {
    // The library asks before each wait on a content provider: what is held goes out first.
    if (!Flush()) return false;
    return PollFor(fd_, POLLOUT, write_timeout_.count()) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (off_ >= size_ && !Flush()) return -1;  // as in is_readable
    const ssize_t n = ReadSome(ptr, size);
    if (n > 0 && header_budget_ != SIZE_MAX) {
      if (static_cast<size_t>(n) > header_budget_) return -1;  // the headers are too long
      header_budget_ -= static_cast<size_t>(n);
    }
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    const std::string_view data(ptr, size);
    if (held_.empty() && data.size() <= kMaxHeld && data.ends_with("\r\n\r\n")) {
      held_.assign(data);  // a header block: wait for the body
      return static_cast<ssize_t>(size);
    }
    if (!held_.empty()) {
      held_.append(data);
      return Flush() ? static_cast<ssize_t>(size) : -1;
    }
    return SendAll(data) ? static_cast<ssize_t>(size) : -1;
  }
  // Sends what is held. False when the peer cannot take it within the write timeout.
  bool Flush() const {
    if (held_.empty()) return true;
    const bool ok = SendAll(held_);
    held_.clear();
    return ok;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    Addresses();
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    Addresses();
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return fd_; }

  // Bytes already read from the socket and not yet given to the library.
  bool buffered() const { return off_ < size_; }

 private:
  static constexpr size_t kMaxHeld = 16 << 10;

  void Addresses() const {
    if (addresses_known_) return;
    addresses_known_ = true;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Address(addr, remote_ip_, remote_port_);
    }
    addr = {};
    len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Address(addr, local_ip_, local_port_);
    }
  }
  // Writes all of `data`: at once while the socket takes it, waiting for room otherwise.
  bool SendAll(std::string_view data) const {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
          PollFor(fd_, POLLOUT, write_timeout_.count()) > 0) {
        continue;
      }
      return false;
    }
    return true;
  }
  ssize_t ReadSome(char* ptr, size_t size) {
    if (off_ < size_) return Copy(ptr, size);
    if (Clock::now() >= deadline_) return -1;  // even when bytes are waiting
    char* into = size >= sizeof buf_ ? ptr : buf_;
    const size_t room = size >= sizeof buf_ ? size : sizeof buf_;
    ssize_t n = Recv(into, room, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (PollFor(fd_, POLLIN, ReadWaitMs()) <= 0) return -1;
      n = Recv(into, room, 0);
    }
    if (n <= 0 || into == ptr) return n;
    off_ = 0;
    size_ = static_cast<size_t>(n);
    return Copy(ptr, size);
  }
  // The wait for the next bytes: the read timeout, cut short by the request's deadline.
  int64_t ReadWaitMs() const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    return std::min<int64_t>(read_timeout_.count(), std::max<int64_t>(0, left.count()));
  }
  ssize_t Recv(char* ptr, size_t size, int flags) {
    for (;;) {
      const ssize_t n = ::recv(fd_, ptr, size, flags);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }
  ssize_t Copy(char* ptr, size_t size) {
    const size_t n = std::min(size, size_ - off_);
    std::copy_n(buf_ + off_, n, ptr);
    off_ += n;
    return static_cast<ssize_t>(n);
  }

  int fd_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  size_t header_budget_ = SIZE_MAX;
  char buf_[4096];
  size_t off_ = 0;
  size_t size_ = 0;
  mutable std::string held_;  // a header block waiting for its body
  mutable bool addresses_known_ = false;
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = 0, local_port_ = 0;
};

struct Current {
  DeadlineStream* stream = nullptr;
  std::chrono::milliseconds body_timeout{0};
};
thread_local Current tl_current;

}  // namespace

void DeadlineServer::BodyStarted() {
  if (tl_current.stream != nullptr) {
    tl_current.stream->set_deadline(Clock::now() + tl_current.body_timeout);
    tl_current.stream->set_header_budget(SIZE_MAX);
  }
}

bool DeadlineServer::process_and_close_socket(socket_t sock) {
  using std::chrono::milliseconds;
  DeadlineStream stream(sock, milliseconds(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                        milliseconds(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
  tl_current = Current{&stream, body_timeout_};
  bool ok = false;
  size_t left = std::max<size_t>(1, keep_alive_max_count_);
  while (svr_sock_ != INVALID_SOCKET && left > 0) {
    // The next request: its first byte within the keep-alive timeout (polled in short steps so
    // a stopping server closes idle connections at once).
    if (!stream.buffered()) {
      const auto idle_until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
      int ready = 0;
      while (svr_sock_ != INVALID_SOCKET && ready == 0 && Clock::now() < idle_until) {
        ready = PollFor(sock, POLLIN, 10);
      }
      if (ready <= 0) break;
    }
    stream.set_deadline(Clock::now() + header_timeout_);
    stream.set_header_budget(max_header_bytes_);
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    ok = stream.Flush() && ok;  // a response without a body write is still held
    if (!ok || closed) break;
    --left;
  }
  tl_current = Current{};
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace cordon::serve
