// A `nats-server` with JetStream on 127.0.0.1 and a free port, its store in a temporary
// directory, for the tests of publish and worker: started in the constructor, killed (and its
// directory removed) in the destructor. Debian's nats-server is a package the project needs
// (scripts/install-deps.sh installs it), so tests fail, not skip, without it.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "test_util.h"

namespace cordon::testing {

inline std::string NatsServerBinary() {
  for (const char* p :
       {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

// A port nobody listens on now (bound and released; the server takes it right after).
inline int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

class NatsServer {
 public:
  NatsServer() : port_(FreeLoopbackPort()) { Start(); }
  ~NatsServer() { Kill(); }

  bool available() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

  // Starts the server again on the same port and store (after Kill).
  void Start() {
    const std::string bin = NatsServerBinary();
    if (bin.empty() || port_ == 0) return;
    const std::string store = dir_.File("js");
    const std::string log = dir_.File("nats.log");
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_);
      FILE* f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      ::execl(bin.c_str(), "nats-server", "-js", "-a", "127.0.0.1", "-p", port.c_str(), "-sd",
              store.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Ready when it accepts a connection.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(port_));
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "nats-server did not start: " << ReadFile(log);
  }
  void Kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace cordon::testing
