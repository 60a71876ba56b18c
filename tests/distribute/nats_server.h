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
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace cordon::testing {

inline std::string NatsServerBinary() {
  for (const char* p :
       {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

class NatsServer {
 public:
  // A single server.
  NatsServer() : port_(FreeLoopbackPort()) { Start(); }
  // A node of a cluster: its own cluster port and name, routes to the others' cluster ports.
  // Not started: NatsCluster starts its nodes together (JetStream waits for a quorum).
  NatsServer(std::string name, int cluster_port, std::string routes)
      : port_(FreeLoopbackPort()),
        name_(std::move(name)),
        cluster_port_(cluster_port),
        routes_(std::move(routes)) {}
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
    std::vector<std::string> args = {"nats-server",         "-js", "-a", "127.0.0.1", "-p",
                                     std::to_string(port_), "-sd", store};
    if (cluster_port_ > 0) {
      args.insert(args.end(),
                  {"-n", name_, "--cluster_name", "cordon-test", "--cluster",
                   "nats://127.0.0.1:" + std::to_string(cluster_port_), "--routes", routes_});
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
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
  std::string Log() const { return ReadFile(dir_.File("nats.log")); }
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
  std::string name_;
  int cluster_port_ = 0;
  std::string routes_;
  pid_t pid_ = -1;
};

// Three nodes clustered on loopback, JetStream on each: streams with replicas 3 survive the
// loss of one node.
class NatsCluster {
 public:
  NatsCluster() {
    const int ports[3] = {FreeLoopbackPort(), FreeLoopbackPort(), FreeLoopbackPort()};
    for (int i = 0; i < 3; ++i) {
      std::string routes;
      for (int j = 0; j < 3; ++j) {
        if (j == i) continue;
        routes += (routes.empty() ? "" : ",") + std::string("nats://127.0.0.1:") +
                  std::to_string(ports[j]);
      }
      nodes_.push_back(std::make_unique<NatsServer>("n" + std::to_string(i), ports[i], routes));
    }
    for (auto& n : nodes_) n->Start();
  }
  bool available() const {
    for (const auto& n : nodes_) {
      if (!n->available()) return false;
    }
    return true;
  }
  NatsServer& node(int i) { return *nodes_[static_cast<size_t>(i)]; }
  // Every node's client URL, comma separated, as --nats takes them.
  std::string urls() const {
    std::string u;
    for (const auto& n : nodes_) u += (u.empty() ? "" : ",") + n->url();
    return u;
  }

 private:
  std::vector<std::unique_ptr<NatsServer>> nodes_;
};

}  // namespace cordon::testing
