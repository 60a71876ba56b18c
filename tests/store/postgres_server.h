// A throwaway PostgreSQL server for tests: initdb into a fresh directory, the server on
// 127.0.0.1 at a free port (and its socket in that directory), stopped and removed by Stop().
// PostgreSQL refuses to run as root, so as root the server runs as `nobody` (setpriv), owning
// the directory. Start() says why when it cannot start; tests skip when the server binaries are
// not installed (missing()) and fail otherwise.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "test_util.h"

namespace cordon::testing {

class PostgresServer {
 public:
  PostgresServer() = default;
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer() { Stop(); }  // a test's server goes with it, on every way out
  // Empty on success; otherwise why there is no server.
  // `durable`: fsync and synchronous commit on, for tests that crash the server and expect
  // every commit it acknowledged to survive; off by default (a test's server dies with it).
  std::string Start(bool durable = false) {
    const std::string bin = BinDir();
    missing_ = bin.empty();
    if (bin.empty()) {
      return "no PostgreSQL server binaries (initdb, pg_ctl: Debian's postgresql-15, or set "
             "CORDON_PG_BINDIR)";
    }
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("cordon-pg-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms(0755));
    const bool root = ::geteuid() == 0;
    if (root && std::system(("chown nobody " + ShellQuote(dir_.string())).c_str()) != 0) {
      return "cannot give " + dir_.string() + " to nobody";
    }
    as_ = root ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "";
    port_ = FreeLoopbackPort();
    if (port_ == 0) return "no free port";
    const std::string data = ShellQuote((dir_ / "data").string());
    // Written by the server's user (the directory is theirs); initdb's output by this process.
    const std::string log = ShellQuote((dir_ / "server.log").string());
    if (Run(as_ + ShellQuote(bin + "/initdb") + " -D " + data +
            " -U cordon --auth=trust -E UTF8 --locale=C.UTF-8 > " +
            ShellQuote((dir_ / "initdb.log").string()) + " 2>&1") != 0) {
      return "initdb failed: " + ReadFile(dir_ / "initdb.log");
    }
    // Durability off: a test's server dies with the test.
    const std::string opts =
        "-h 127.0.0.1 -p " + std::to_string(port_) + " -k " + ShellQuote(dir_.string()) +
        (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    start_ = as_ + ShellQuote(bin + "/pg_ctl") + " -D " + data + " -l " + log + " -w -o " +
             ShellQuote(opts) + " start > /dev/null 2>&1";
    if (Run(start_) != 0) return "the server did not start: " + ReadFile(dir_ / "server.log");
    bin_ = bin;
    return "";
  }
  // Stops the server at once, as a crash would, keeping its data; Resume starts it again on the
  // same port (it recovers from its WAL). For the tests of clients that must ride it out.
  void Crash() {
    (void)Run(as_ + ShellQuote(bin_ + "/pg_ctl") + " -D " + ShellQuote((dir_ / "data").string()) +
              " -m immediate -w stop > /dev/null 2>&1");
  }
  bool Resume() { return Run(start_) == 0; }

  void Stop() {
    if (!bin_.empty()) {
      (void)Run(as_ + ShellQuote(bin_ + "/pg_ctl") + " -D " + ShellQuote((dir_ / "data").string()) +
                " -m immediate -w stop > /dev/null 2>&1");
      bin_.clear();
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  // Creates a database and returns its URL.
  std::string CreateDatabase(const std::string& name) {
    const std::string url = Url("postgres");
    if (Run(ShellQuote(bin_ + "/psql") + " -X -q -c " +
            ShellQuote("CREATE DATABASE " + name + " TEMPLATE template0") + " " + ShellQuote(url) +
            " > /dev/null") != 0) {
      return "";
    }
    return Url(name);
  }

  // Whether Start failed because no server binaries are installed.
  bool missing() const { return missing_; }

  std::string Url(const std::string& db) const {
    return "postgresql://cordon@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }

 private:
  static int Run(const std::string& cmd) { return std::system(cmd.c_str()); }

  static std::string BinDir() {
    std::string candidates[] = {
        std::getenv("CORDON_PG_BINDIR") ? std::getenv("CORDON_PG_BINDIR") : "",
        "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"};
    for (const std::string& c : candidates) {
      if (!c.empty() && ::access((c + "/initdb").c_str(), X_OK) == 0 &&
          ::access((c + "/pg_ctl").c_str(), X_OK) == 0 &&
          ::access((c + "/psql").c_str(), X_OK) == 0) {
        return c;
      }
    }
    return "";
  }

  std::filesystem::path dir_;
  std::string bin_;
  std::string start_;  // the command that starts the server
  std::string as_;
  int port_ = 0;
  bool missing_ = false;
};

}  // namespace cordon::testing
