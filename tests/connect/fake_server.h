// A fake platform server on 127.0.0.1 on a free port (cpp-httplib) for the connector tests: it
// records every request ("METHOD target body") and answers through a function the test gives.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cordon::testing {

struct FakeAnswer {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

class FakeServer {
 public:
  using Handler = std::function<FakeAnswer(const httplib::Request&)>;
  explicit FakeServer(Handler handler) : handler_(std::move(handler)) {
    auto serve = [this](const httplib::Request& req, httplib::Response& res) {
      FakeAnswer a;
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(req.method + " " + req.target + " " + req.body);
        a = handler_(req);
      }
      res.status = a.status;
      for (const auto& [k, v] : a.headers) res.set_header(k, v);
      res.set_content(a.body, "application/json");
    };
    server_.Get(".*", serve);
    server_.Post(".*", serve);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  Handler handler_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> seen_;
};

}  // namespace cordon::testing
