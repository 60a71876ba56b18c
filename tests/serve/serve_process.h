// A `cordon serve` child process on 127.0.0.1 and a free port, for the tests that run the real
// server (serve_test.cc, api_test.cc): started in the constructor, killed in the destructor.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cordon {

inline std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A `cordon serve` child process on 127.0.0.1 and a free port; its stderr is collected.
class ServeProcess {
 public:
  ServeProcess(const std::string& db, std::vector<std::string> extra = {}) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      std::vector<std::string> args = {"cordon",   "serve",       "--db",         db,
                                       "--listen", "127.0.0.1:0", "--log-format", "json"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(CORDON_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        const ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(mu_);
        err_.append(buf, static_cast<size_t>(n));
      }
    });
    // Waits for the ready line.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        const size_t at = err_.find("listening on http://127.0.0.1:");
        const size_t end = at == std::string::npos ? at : err_.find('\n', at);
        if (end != std::string::npos) {
          port_ = std::stoi(err_.substr(at + 30, end - at - 30));
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(port_, 0) << Stderr();
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }

  int port() const { return port_; }
  std::string Stderr() {
    std::lock_guard lock(mu_);
    return err_;
  }
  // Sends SIGTERM (or only signals, when `wait` is false).
  void Terminate() { kill(pid_, SIGTERM); }
  // Waits for the process; its exit code, or -1 when it did not exit normally.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (reader_.joinable()) reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }
  // Waits until /status says the index is loaded.
  bool WaitLoaded() {
    auto c = Client();
    for (int i = 0; i < 500; ++i) {
      auto r = c.Get("/status");
      if (r && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int port_ = 0;
  std::thread reader_;
  std::mutex mu_;
  std::string err_;
};

}  // namespace cordon
