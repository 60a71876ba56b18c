// A fake HTTP server for connector tests: cpp-httplib on 127.0.0.1, a free port, started by the
// constructor and stopped by the destructor. It records every request as it arrived and answers
// through the test's handler (404 when none is set): either one that writes the httplib response
// or one that returns a FakeAnswer (status, JSON body, headers).
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cordon::testing {

struct SeenRequest {
  std::string method, target, body, authorization;
  // "METHOD target body": one string to compare with an expected line.
  std::string Line() const { return method + " " + target + " " + body; }
};

struct FakeAnswer {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

class FakeServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using AnswerHandler = std::function<FakeAnswer(const httplib::Request&)>;

  explicit FakeServer(AnswerHandler answer)
      : FakeServer(Handler(
            [answer = std::move(answer)](const httplib::Request& req, httplib::Response& res) {
              FakeAnswer a = answer(req);
              res.status = a.status;
              for (const auto& [k, v] : a.headers) res.set_header(k, v);
              res.set_content(a.body, "application/json");
            })) {}

  explicit FakeServer(Handler handler) : handler_(std::move(handler)) {
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      Handler h;
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({req.method, req.target, req.body, req.get_header_value("Authorization")});
        h = handler_;
      }
      if (h) {
        h(req, res);
      } else {
        res.status = 404;
      }
    };
    server_.Get(".*", record);
    server_.Post(".*", record);
    server_.Put(".*", record);
    server_.Delete(".*", record);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeServer() {
    server_.stop();
    thread_.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::vector<SeenRequest> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // The requests as "METHOD target body" lines.
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    for (const SeenRequest& r : seen()) out.push_back(r.Line());
    return out;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  Handler handler_;
  std::vector<SeenRequest> seen_;
};

}  // namespace cordon::testing
