#include "cordon/serve/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <malloc.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "cordon/content/bank.h"
#include "cordon/content/pdq.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/serve/auth.h"
#include "cordon/serve/dashboard.h"
#include "cordon/serve/fetch.h"
#include "cordon/serve/http_server.h"
#include "cordon/serve/lookup_index.h"
#include "cordon/serve/metrics.h"
#include "cordon/serve/v1_routes.h"
#include "cordon/serve/video_routes.h"
#include "cordon/store/serve_tables.h"
#include "cordon/store/stats_json.h"
#include "cordon/store/store.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::serve {
namespace {

using httplib::Request;
using httplib::Response;

// Per worker thread: what the request log line needs from routing (the library's logger sees
// only the request and the response).
struct RequestContext {
  bool started = false;
  std::chrono::steady_clock::time_point start;
  std::string caller;
};
thread_local RequestContext tl_request;

// Stores for request threads: opening one per request would cost more than most requests.
class StorePool {
 public:
  explicit StorePool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    ~Lease() {
      if (store_) pool_.Return(std::move(store_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Store& operator*() { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<Store> store_;
  };

  StatusOr<std::unique_ptr<Lease>> Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return std::make_unique<Lease>(*this, std::move(s));
      }
    }
    StoreOptions options;
    options.mode = OpenMode::kExisting;
    options.durable = true;  // the API records decisions; a commit must survive a power loss
    ASSIGN_OR_RETURN(std::unique_ptr<Store> s, Store::Open(path_, options));
    return std::make_unique<Lease>(*this, std::move(s));
  }

 private:
  void Return(std::unique_ptr<Store> s) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(s));
  }
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> free_;
};

// The body of an error the library answers by itself (no route, bad request, limits).
std::string StatusText(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 404:
      return "no such route";
    case 405:
      return "method not allowed";
    case 413:
      return "the request body is over the server's limit";
    case 414:
      return "the request line is over the server's limit";
    case 416:
      return "range not satisfiable";
    default:
      return "error " + std::to_string(status);
  }
}

bool HmaBankName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Parses a request body as one JSON object; false (with a 400 sent) when it is not.
bool ParseObject(const Request& req, Response& res, simdjson::dom::parser& parser,
                 simdjson::dom::object& out) {
  simdjson::padded_string body(req.body);
  simdjson::dom::element doc;
  if (auto error = parser.parse(body).get(doc)) {
    SendError(res, 400, std::string("the body is not JSON: ") + simdjson::error_message(error));
    return false;
  }
  if (doc.get_object().get(out)) {
    SendError(res, 400, "the body must be a JSON object");
    return false;
  }
  return true;
}

}  // namespace

struct ApiServer::Impl {
  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        pool(options.db),
        tokens(std::chrono::milliseconds(options.token_cache_ms)),
        video(VideoRouteOptions{.db = options.db}) {}

  ServeOptions options;
  DeadlineServer svr;
  StorePool pool;
  TokenCache tokens;
  LookupIndex index;
  ServeMetrics metrics;
  VideoRoutes video;                     // vPDQ hashing and lookups (video_routes.h)
  std::unique_ptr<Store> refresh_store;  // the refresher thread's
  int port = 0;

  std::mutex mu;  // guards the flags below
  std::condition_variable cv;
  bool stopping = false;
  bool done = false;  // Run's listen returned
  std::mutex log_mu;
  std::mutex events_mu;   // one POST /v1/events (or other /v1 write) at a time
  std::mutex compute_mu;  // one network, plan or impact computation at a time
  std::atomic<int> open_streams{0};
  std::atomic<bool> streams_stop{false};
  V1Context v1;

  // --- helpers ---------------------------------------------------------------------------------

  // The caller when the request carries a token of at least role `min`; otherwise sends 401 or
  // 403 and returns nullopt.
  std::optional<ApiCaller> Authorize(const Request& req, Response& res, ApiRole min) {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, "a bearer token is required (Authorization: Bearer TOKEN)");
      return std::nullopt;
    }
    const std::string_view token = std::string_view(header).substr(kBearer.size());
    // Most requests are answered from the cache, without a store.
    StatusOr<std::optional<ApiCaller>> caller = Status::Internal("unset");
    if (auto cached = tokens.Cached(token)) {
      caller = std::move(*cached);
    } else {
      auto lease = pool.Acquire();
      if (!lease.ok()) {
        SendError(res, 500, lease.status().ToString());
        return std::nullopt;
      }
      caller = tokens.Find(***lease, token);
    }
    if (!caller.ok()) {
      SendError(res, 500, caller.status().ToString());
      return std::nullopt;
    }
    if (!*caller) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      SendError(res, 401, "unknown or revoked token");
      return std::nullopt;
    }
    tl_request.caller = (*caller)->name;
    if ((*caller)->role < min) {
      SendError(res, 403,
                "this needs the " + std::string(ApiRoleName(min)) + " role; the token has " +
                    std::string(ApiRoleName((*caller)->role)));
      return std::nullopt;
    }
    return *caller;
  }

  using Handler = std::function<void(const Request&, Response&, Store&)>;
  // A route that needs role `min` and a store.
  httplib::Server::Handler Guarded(ApiRole min, Handler h) {
    return [this, min, h = std::move(h)](const Request& req, Response& res) {
      if (!Authorize(req, res, min)) return;
      auto lease = pool.Acquire();
      if (!lease.ok()) return SendError(res, 500, lease.status().ToString());
      h(req, res, ***lease);
    };
  }

  // Refreshes the index, always through refresh_store (LookupIndex::Refresh runs one at a
  // time, so the Store is used by one thread at a time): the bank is read by one connection, so
  // only one SQLite page cache (up to 256 MiB, store.cc) holds it, not one per worker. After a
  // new snapshot the freed memory of the old one goes back to the system (glibc would keep it
  // in the arena of the thread that built it).
  Status Reload() {
    const int64_t before = index.reloads();
    Status s = index.Refresh(*refresh_store);
    if (index.reloads() != before) malloc_trim(0);
    return s;
  }

  // A route that needs role `min` and a store, and is told who calls.
  httplib::Server::Handler GuardedAs(ApiRole min, V1Context::Handler h) {
    return [this, min, h = std::move(h)](const Request& req, Response& res) {
      auto caller = Authorize(req, res, min);
      if (!caller) return;
      auto lease = pool.Acquire();
      if (!lease.ok()) return SendError(res, 500, lease.status().ToString());
      h(req, res, ***lease, *caller);
    };
  }

  using PlainHandler = std::function<void(const Request&, Response&)>;
  // A route that needs role `min` and no store (the hot ones: lookups, hashing).
  httplib::Server::Handler GuardedNoStore(ApiRole min, PlainHandler h) {
    return [this, min, h = std::move(h)](const Request& req, Response& res) {
      if (!Authorize(req, res, min)) return;
      h(req, res);
    };
  }

  // After a bank edit: the next lookup on any thread sees it.
  void RefreshAfterEdit(Store&, Response& res) {
    Status s = Reload();
    if (!s.ok())
      SendError(res, 500, "the edit was stored but the index not reloaded: " + s.ToString());
  }

  static void WriteBank(JsonWriter& w, const BankInfo& bank, bool enabled) {
    w.BeginObject()
        .Field("name", bank.name)
        .Field("matching_enabled_ratio", enabled ? 1.0 : 0.0)
        .Field("entries", bank.entries)
        .EndObject();
  }

  void Log(const Request& req, const Response& res) {
    double seconds = 0;
    if (tl_request.started) {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - tl_request.start)
                    .count();
    }
    const std::string route = RouteLabel(req.method, req.path);
    metrics.Observe(route, res.status, seconds);
    if (options.log_format != LogFormat::kNone && options.log != nullptr) {
      std::string line;
      const std::string time = FormatRfc3339Ms(UnixNowMs());
      if (options.log_format == LogFormat::kJson) {
        JsonWriter(line)
            .BeginObject()
            .Field("time", time)
            .Field("method", req.method)
            .Field("path", req.path)
            .Field("route", route)
            .Field("status", res.status)
            .Field("ms", seconds * 1000)
            .Field("bytes", static_cast<int64_t>(res.body.size()))
            .Field("remote", req.remote_addr)
            .Field("caller", tl_request.caller)
            .EndObject();
      } else {
        line = time + " " + req.method + " " + req.path + " " + std::to_string(res.status) + " " +
               fmt::format("{:.3f}ms ", seconds * 1000) + std::to_string(res.body.size()) + "B " +
               req.remote_addr + (tl_request.caller.empty() ? "" : " " + tl_request.caller);
      }
      line += '\n';
      std::lock_guard lock(log_mu);
      std::fwrite(line.data(), 1, line.size(), options.log);
      std::fflush(options.log);
    }
    tl_request = RequestContext{};
  }

  // --- routes ----------------------------------------------------------------------------------

  void Routes();
  void BankRoutes();
  void MatchRoutes();
  void HashRoutes();
  void VideoLookupRoute();
  void EventRoutes();
};

void ApiServer::Impl::Routes() {
  svr.set_pre_routing_handler([](const Request&, Response&) {
    tl_request = RequestContext{};
    tl_request.started = true;
    tl_request.start = std::chrono::steady_clock::now();
    DeadlineServer::BodyStarted();  // the headers are in; the body has its own deadline
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_logger([this](const Request& req, const Response& res) { Log(req, res); });
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    SendError(res, res.status, StatusText(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const Request&, Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    SendError(res, 500, what);
  });

  svr.Get("/status", [this](const Request&, Response& res) {
    if (!index.loaded()) {
      res.status = 503;
      res.set_content("INDEX-NOT-LOADED", "text/plain");
      return;
    }
    res.set_content("I-AM-ALIVE", "text/plain");
  });
  svr.Get("/status/live",
          [](const Request&, Response& res) { res.set_content("I-AM-ALIVE", "text/plain"); });
  svr.Get("/metrics", GuardedNoStore(ApiRole::kViewer, [this](const Request&, Response& res) {
            auto snap = index.Current();
            IndexFigures f;
            f.banks = static_cast<int64_t>(snap->banks.size());
            f.entries = static_cast<int64_t>(snap->entries);
            f.reloads = index.reloads();
            f.loaded = index.loaded();
            res.set_content(metrics.Render(f), "text/plain; version=0.0.4");
          }));
  svr.Get("/v1/stats", Guarded(ApiRole::kViewer, [](const Request&, Response& res, Store& store) {
            auto stats = store.Stats();
            if (!stats.ok()) return SendError(res, 500, stats.status().ToString());
            SendJson(res, 200, StoreStatsJson(*stats));
          }));
  BankRoutes();
  MatchRoutes();
  HashRoutes();
  VideoLookupRoute();
  EventRoutes();
  v1.svr = &svr;
  v1.guarded = [this](ApiRole min, V1Context::Handler h) { return GuardedAs(min, std::move(h)); };
  v1.db = options.db;
  v1.write_mu = &events_mu;
  v1.compute_mu = &compute_mu;
  v1.max_streams = options.max_streams;
  v1.stream_max_seconds = options.stream_max_seconds;
  v1.open_streams = &open_streams;
  v1.stopping = [this] { return streams_stop.load(); };
  AddV1ReadRoutes(v1);
  AddV1WriteRoutes(v1);
  AddV1StreamRoute(v1);
  AddDashboardRoutes(v1);
}

// POST /v1/events: a body of cordon events v1 lines through the pipeline `cordon ingest` runs
// (the same importer, matcher and stages). The importers read files, so the body is written to
// a private temporary file first. Idempotent as ingest is: events are upserts by key.
void ApiServer::Impl::EventRoutes() {
  svr.Post(
      "/v1/events", Guarded(ApiRole::kAnalyst, [this](const Request& req, Response& res, Store&) {
        // One at a time: they take turns on the store's write lock anyway, and the file
        // below is named by the body's digest.
        std::lock_guard one(events_mu);
        // Named by its digest, so the same body sent again has the same name and its rejects
        // and weirds (keyed by file and line) land on the same rows: idempotent.
        const char* tmpdir = std::getenv("TMPDIR");
        const std::filesystem::path dir =
            std::filesystem::path(tmpdir != nullptr && *tmpdir != 0 ? tmpdir : "/tmp") /
            "cordon-api-events";
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        const std::string path =
            (dir / ("events-" + DigestBytes(req.body).sha256 + ".ndjson")).string();
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr) return SendError(res, 500, "cannot create " + path);
        const bool written = std::fwrite(req.body.data(), 1, req.body.size(), f) == req.body.size();
        const bool closed = std::fclose(f) == 0;
        struct Remove {
          std::string path;
          ~Remove() { std::remove(path.c_str()); }
        } remove{path};
        if (!written || !closed) return SendError(res, 500, "cannot write " + path);
        pipeline::PipelineOptions o;
        o.db = options.db;
        o.inputs = {path};
        o.ingest.format = "cordon-events";
        o.ingest.hash_media = false;  // media paths in a request name no file of ours
        auto report = pipeline::RunPipeline(o);
        if (!report.ok()) return SendError(res, 500, report.status().ToString());
        const IngestReport& in = report->ingest;
        for (const FileReport& f : in.files) {
          if (!f.status.ok()) return SendError(res, 400, f.status.message());
        }
        metrics.AddEventsIngested(in.events);
        std::string out;
        JsonWriter w(out);
        w.BeginObject().Field("accepted", in.events).Field("rejected", in.rejected);
        w.Key("errors").BeginArray();
        for (const RejectSample& r : in.samples) {
          w.BeginObject().Field("line", r.where.line).Field("reason", r.reason).EndObject();
        }
        w.EndArray().EndObject();
        SendJson(res, 200, std::move(out));
      }));
}

void ApiServer::Impl::BankRoutes() {
  svr.Get("/c/banks", Guarded(ApiRole::kViewer, [](const Request&, Response& res, Store& store) {
            auto banks = ListBanks(store);
            auto flags = ReadBankMatching(store);
            if (!banks.ok()) return SendError(res, 500, banks.status().ToString());
            if (!flags.ok()) return SendError(res, 500, flags.status().ToString());
            std::string out;
            JsonWriter w(out);
            w.BeginArray();
            for (const BankInfo& b : *banks) {
              auto f = flags->find(b.name);
              WriteBank(w, b, f == flags->end() || f->second);
            }
            w.EndArray();
            SendJson(res, 200, std::move(out));
          }));

  svr.Post("/c/banks",
           Guarded(ApiRole::kAnalyst, [this](const Request& req, Response& res, Store& store) {
             simdjson::dom::parser parser;
             simdjson::dom::object body;
             if (!ParseObject(req, res, parser, body)) return;
             std::string_view name;
             if (body["name"].get_string().get(name)) {
               return SendError(res, 400, "the field `name` (a string) is required");
             }
             if (!HmaBankName(std::string(name))) {
               return SendError(res, 400, "the field `name` must match /^[A-Z0-9_]+$/");
             }
             bool enabled = true;
             if (auto e = body["enabled"]; e.error() != simdjson::NO_SUCH_FIELD) {
               if (e.get_bool().get(enabled)) {
                 return SendError(res, 400, "the field `enabled` must be true or false");
               }
             }
             if (auto r = body["enabled_ratio"]; r.error() != simdjson::NO_SUCH_FIELD) {
               double ratio = 0;
               if (r.get_double().get(ratio) || (ratio != 0 && ratio != 1)) {
                 return SendError(res, 400, "the field `enabled_ratio` must be 0 or 1");
               }
               enabled = ratio == 1;
             }
             auto existing = FindBank(store, name);
             if (!existing.ok()) return SendError(res, 500, existing.status().ToString());
             if (*existing) return SendError(res, 403, "Bank already exists");
             BankInfo info;
             info.name = std::string(name);
             Status s = CreateBank(store, info, UnixNowMs());
             if (s.ok() && !enabled) s = SetBankMatching(store, info.name, false).status();
             if (!s.ok()) return SendError(res, 500, s.ToString());
             RefreshAfterEdit(store, res);
             if (res.status >= 400) return;
             std::string out;
             JsonWriter w(out);
             WriteBank(w, info, enabled);
             SendJson(res, 201, std::move(out));
           }));

  const std::string bank_path = R"(/c/bank/([^/]+))";
  svr.Get(bank_path, Guarded(ApiRole::kViewer, [](const Request& req, Response& res, Store& store) {
            const std::string name = req.matches[1];
            auto bank = FindBank(store, name);
            auto flags = ReadBankMatching(store);
            if (!bank.ok()) return SendError(res, 500, bank.status().ToString());
            if (!flags.ok()) return SendError(res, 500, flags.status().ToString());
            if (!*bank) return SendError(res, 404, "bank '" + name + "' not found");
            auto f = flags->find(name);
            std::string out;
            JsonWriter w(out);
            WriteBank(w, **bank, f == flags->end() || f->second);
            SendJson(res, 200, std::move(out));
          }));

  svr.Put(bank_path,
          Guarded(ApiRole::kAnalyst, [this](const Request& req, Response& res, Store& store) {
            const std::string name = req.matches[1];
            simdjson::dom::parser parser;
            simdjson::dom::object body;
            if (!ParseObject(req, res, parser, body)) return;
            auto bank = FindBank(store, name);
            if (!bank.ok()) return SendError(res, 500, bank.status().ToString());
            if (!*bank) return SendError(res, 404, "Bank not found");
            std::string_view rename;
            if (!body["name"].get_string().get(rename) && rename != name) {
              return SendError(res, 400, "renaming a bank is not supported");
            }
            std::optional<bool> enabled;
            if (auto e = body["enabled"]; e.error() != simdjson::NO_SUCH_FIELD) {
              bool v = false;
              if (e.get_bool().get(v)) {
                return SendError(res, 400, "the field `enabled` must be true or false");
              }
              enabled = v;
            }
            if (auto r = body["enabled_ratio"]; r.error() != simdjson::NO_SUCH_FIELD) {
              double ratio = 0;
              if (r.get_double().get(ratio) || (ratio != 0 && ratio != 1)) {
                return SendError(res, 400, "the field `enabled_ratio` must be 0 or 1");
              }
              enabled = ratio == 1;
            }
            if (enabled) {
              auto s = SetBankMatching(store, name, *enabled);
              if (!s.ok()) return SendError(res, 500, s.status().ToString());
              RefreshAfterEdit(store, res);
              if (res.status >= 400) return;
            }
            auto flags = ReadBankMatching(store);
            if (!flags.ok()) return SendError(res, 500, flags.status().ToString());
            auto f = flags->find(name);
            std::string out;
            JsonWriter w(out);
            WriteBank(w, **bank, f == flags->end() || f->second);
            SendJson(res, 200, std::move(out));
          }));

  svr.Delete(bank_path,
             Guarded(ApiRole::kAnalyst, [this](const Request& req, Response& res, Store& store) {
               Status s = DeleteBank(store, std::string(req.matches[1]));
               if (!s.ok() && s.code() != StatusCode::kNotFound) {
                 return SendError(res, 500, s.ToString());
               }
               RefreshAfterEdit(store, res);
               if (res.status >= 400) return;
               SendJson(res, 200, R"({"message":"Done"})");
             }));

  // Adds signals (type -> canonical value) to a bank and answers HMA's {"id","signals"}.
  auto add_signals = [this](Response& res, Store& store, const std::string& bank,
                            const std::vector<BankEntry>& entries) {
    if (entries.empty()) return SendError(res, 400, "No signals given");
    auto added = AddEntries(store, bank, entries, UnixNowMs());
    if (!added.ok()) return SendError(res, 500, added.status().ToString());
    auto id = FindBankContentId(store, bank, SignalTypeName(entries.front().type),
                                entries.front().signal);
    if (!id.ok()) return SendError(res, 500, id.status().ToString());
    RefreshAfterEdit(store, res);
    if (res.status >= 400) return;
    std::string out;
    JsonWriter w(out);
    w.BeginObject().Field("id", id->value_or(0)).Key("signals").BeginObject();
    for (const BankEntry& e : entries) w.Field(SignalTypeName(e.type), e.signal);
    w.EndObject().EndObject();
    SendJson(res, 200, std::move(out));
  };

  svr.Post(
      bank_path + "/signal",
      Guarded(ApiRole::kAnalyst, [add_signals](const Request& req, Response& res, Store& store) {
        const std::string name = req.matches[1];
        simdjson::dom::parser parser;
        simdjson::dom::object body;
        if (!ParseObject(req, res, parser, body)) return;
        auto bank = FindBank(store, name);
        if (!bank.ok()) return SendError(res, 500, bank.status().ToString());
        if (!*bank) return SendError(res, 404, "bank '" + name + "' not found");
        std::vector<BankEntry> entries;
        for (auto field : body) {
          const std::string key(field.key);
          auto type = ParseSignalType(key);
          if (!type) return SendError(res, 400, "No such signal type " + key);
          std::string_view value;
          if (field.value.get_string().get(value)) {
            return SendError(res, 400, "Invalid " + key + " signal: not a string");
          }
          auto canonical = CanonicalSignal(*type, value);
          if (!canonical.ok()) {
            return SendError(res, 400,
                             "Invalid " + key + " signal: " + canonical.status().message());
          }
          BankEntry e;
          e.type = *type;
          e.signal = *canonical;
          entries.push_back(std::move(e));
        }
        add_signals(res, store, name, entries);
      }));

  svr.Post(
      bank_path + "/content",
      Guarded(ApiRole::kAnalyst, [add_signals](const Request& req, Response& res, Store& store) {
        const std::string name = req.matches[1];
        auto bank = FindBank(store, name);
        if (!bank.ok()) return SendError(res, 500, bank.status().ToString());
        if (!*bank) return SendError(res, 404, "bank '" + name + "' not found");
        if (req.has_param("url")) {
          return SendError(res, 400, "fetching content by url is disabled on this server");
        }
        if (!req.has_file("photo")) {
          return SendError(res, 400, "a multipart file in the field `photo` is required");
        }
        const auto file = req.get_file_value("photo");
        auto pdq = PdqFromBytes(file.content, file.filename.empty() ? "photo" : file.filename);
        if (!pdq.ok()) {
          return SendError(res, 400, "the photo could not be hashed: " + pdq.status().message());
        }
        BankEntry e;
        e.type = SignalType::kPdq;
        e.signal = pdq->hash.Hex();
        add_signals(res, store, name, {e});
      }));
}

void ApiServer::Impl::MatchRoutes() {
  svr.Get("/m/lookup", GuardedNoStore(ApiRole::kViewer, [this](const Request& req, Response& res) {
            if (req.has_param("url")) {
              return SendError(res, 400, "fetching content by url is disabled on this server");
            }
            if (!req.has_param("signal_type")) {
              return SendError(res, 400, "Missing required parameter: signal_type");
            }
            if (!req.has_param("signal")) {
              return SendError(res, 400, "Missing required parameter: signal");
            }
            const std::string type_name = req.get_param_value("signal_type");
            auto type = ParseSignalType(type_name);
            if (type && *type == SignalType::kVpdq) {
              if (!index.loaded()) return SendError(res, 503, "index not yet ready");
              video.Lookup(req, res, req.get_param_value("signal"), *index.Current());
              metrics.AddLookups(1);
              return;
            }
            if (!type || *type != SignalType::kPdq) {
              return SendError(res, 400, "No such SignalType '" + type_name + "'");
            }
            auto query = PdqHash::FromHex(req.get_param_value("signal"));
            if (!query.ok()) {
              return SendError(res, 400, "invalid signal: " + query.status().message());
            }
            if (!index.loaded()) return SendError(res, 503, "index not yet ready");
            const std::vector<std::string> only = SplitBankList(req.get_param_value("banks"));
            auto snap = index.Current();
            thread_local std::vector<PdqHit> hits;
            std::string out;
            JsonWriter w(out);
            w.BeginObject();
            for (const auto& [name, entry] : snap->banks) {
              if (!entry.enabled) continue;
              if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) {
                continue;
              }
              hits.clear();
              entry.bank->index.Search(*query, options.pdq_threshold, hits);
              if (hits.empty()) continue;
              w.Key(name).BeginArray();
              for (const PdqHit& h : hits) {
                w.BeginObject()
                    .Field("bank_content_id", entry.bank->ids[h.id])
                    .Field("distance", std::to_string(h.distance))
                    .EndObject();
              }
              w.EndArray();
            }
            w.EndObject();
            metrics.AddLookups(1);
            SendJson(res, 200, std::move(out));
          }));

  svr.Post("/m/compare",
           GuardedNoStore(ApiRole::kViewer, [this](const Request& req, Response& res) {
             simdjson::dom::parser parser;
             simdjson::dom::object body;
             if (!ParseObject(req, res, parser, body)) return;
             std::string out;
             JsonWriter w(out);
             w.BeginObject();
             for (auto field : body) {
               const std::string key(field.key);
               auto type = ParseSignalType(key);
               if (!type || *type != SignalType::kPdq) {
                 return SendError(res, 400, "No such SignalType '" + key + "'");
               }
               simdjson::dom::array pair;
               if (field.value.get_array().get(pair) || pair.size() != 2) {
                 return SendError(res, 400, "`" + key + "` must be an array of two signals");
               }
               std::vector<PdqHash> hashes;
               for (auto v : pair) {
                 std::string_view hex;
                 if (v.get_string().get(hex)) {
                   return SendError(res, 400, "`" + key + "` must be an array of two signals");
                 }
                 auto h = PdqHash::FromHex(hex);
                 if (!h.ok()) {
                   return SendError(res, 400, "invalid signal: " + h.status().message());
                 }
                 hashes.push_back(*h);
               }
               const int d = Distance(hashes[0], hashes[1]);
               w.Key(SignalTypeName(*type)).BeginArray().Bool(d <= options.pdq_threshold);
               w.BeginObject().Field("distance", d).EndObject().EndArray();
             }
             w.EndObject();
             SendJson(res, 200, std::move(out));
           }));
}

void ApiServer::Impl::VideoLookupRoute() {
  // A vPDQ signal can be longer than a request line: POST takes it as the body.
  svr.Post("/m/lookup", GuardedNoStore(ApiRole::kViewer, [this](const Request& req, Response& res) {
             auto type = ParseSignalType(req.get_param_value("signal_type"));
             if (!type || *type != SignalType::kVpdq) {
               return SendError(res, 400, "POST /m/lookup takes signal_type=vpdq");
             }
             if (!index.loaded()) return SendError(res, 503, "index not yet ready");
             video.Lookup(req, res, req.body, *index.Current());
             metrics.AddLookups(1);
           }));
}

// {"pdq","md5","sha256"} of a photo's bytes, or a 400.
static void SendHashes(Response& res, const std::string& bytes, const std::string& name) {
  auto pdq = PdqFromBytes(bytes, name.empty() ? "photo" : name);
  if (!pdq.ok()) {
    return SendError(res, 400, "the photo could not be hashed: " + pdq.status().message());
  }
  const Digests d = DigestBytes(bytes);
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Field("pdq", pdq->hash.Hex())
      .Field("md5", d.md5)
      .Field("sha256", d.sha256)
      .EndObject();
  SendJson(res, 200, std::move(out));
}

void ApiServer::Impl::HashRoutes() {
  // HMA's GET /h/hash?url=: off (400) unless --fetch-allow lists where media may come from.
  svr.Get("/h/hash", GuardedNoStore(ApiRole::kViewer, [this](const Request& req, Response& res) {
            if (!req.has_param("url")) return SendError(res, 400, "url is required");
            if (options.fetch_allow.empty()) {
              return SendError(res, 400, "fetching content by url is disabled on this server");
            }
            auto url = ParseFetchUrl(req.get_param_value("url"));
            if (!url.ok()) return SendError(res, 400, "url: " + url.status().message());
            if (!FetchAllowed(options.fetch_allow, *url)) {
              return SendError(res, 403, "url: not under a prefix this server may fetch from");
            }
            auto body = FetchBody(*url, options.max_body_bytes, options.fetch_timeout_s);
            if (!body.ok()) {
              return SendError(res,
                               body.status().code() == StatusCode::kResourceExhausted ? 413 : 502,
                               body.status().message());
            }
            SendHashes(res, *body, "url");
          }));
  svr.Post("/h/hash", GuardedNoStore(ApiRole::kViewer, [this](const Request& req, Response& res) {
             if (!req.has_file("photo") && req.has_file("video")) return video.Hash(req, res);
             if (!req.has_file("photo")) {
               return SendError(res, 400,
                                "a multipart file in the field `photo` or `video` is required");
             }
             const auto file = req.get_file_value("photo");
             SendHashes(res, file.content, file.filename);
           }));
}

ApiServer::ApiServer(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ApiServer::~ApiServer() = default;

Status ApiServer::Bind() {
  Impl& m = *impl_;
  // Creates the database (and brings its schema up) when there is none yet.
  ASSIGN_OR_RETURN(m.refresh_store, Store::Open(m.options.db, OpenMode::kCreate));
  const size_t threads = static_cast<size_t>(std::max(1, m.options.threads));
  m.svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m.svr.set_payload_max_length(m.options.max_body_bytes);
  m.svr.set_read_timeout(m.options.read_timeout_s, 0);
  m.svr.set_write_timeout(m.options.write_timeout_s, 0);
  m.svr.set_keep_alive_timeout(m.options.keep_alive_timeout_s);
  m.svr.set_keep_alive_max_count(m.options.keep_alive_max_requests);
  m.svr.set_request_deadlines(std::chrono::seconds(m.options.header_timeout_s),
                              std::chrono::seconds(m.options.body_timeout_s));
  m.svr.set_max_header_bytes(m.options.max_header_bytes);
  m.svr.set_tcp_nodelay(true);
  // The library listens with a backlog of 5 (compiled into Debian's build), which drops the
  // connections of 64 clients starting at once (they retry after a second); the socket is
  // caught here and given a real backlog after binding.
  auto listen_fd = std::make_shared<int>(-1);
  m.svr.set_socket_options([listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    *listen_fd = sock;
  });
  m.Routes();
  if (m.options.port == 0) {
    m.port = m.svr.bind_to_any_port(m.options.host);
    if (m.port <= 0) {
      return Status::IoError("cannot listen on " + m.options.host + " (any port)");
    }
  } else {
    if (!m.svr.bind_to_port(m.options.host, m.options.port)) {
      return Status::IoError("cannot listen on " + m.options.host + ":" +
                             std::to_string(m.options.port));
    }
    m.port = m.options.port;
  }
  if (*listen_fd >= 0) (void)::listen(*listen_fd, SOMAXCONN);
  return Status::Ok();
}

int ApiServer::port() const { return impl_->port; }

Status ApiServer::Run() {
  Impl& m = *impl_;
  Status refresh_error;
  // Loads the index, then follows bank changes made by any process.
  std::thread refresher([&m, &refresh_error] {
    std::unique_lock lock(m.mu);
    while (!m.done && !m.stopping) {
      lock.unlock();
      Status s = m.Reload();
      lock.lock();
      if (!s.ok() && refresh_error.ok()) {
        refresh_error = s;
        if (m.options.log != nullptr) {
          std::fprintf(m.options.log, "cordon: loading the index: %s\n", s.ToString().c_str());
        }
      }
      m.cv.wait_for(
          lock, std::chrono::milliseconds(std::max<int64_t>(10, m.options.refresh_interval_ms)));
    }
  });
  // Tells the library to stop once it runs: stop() before listen started would be lost.
  std::thread stopper([&m] {
    std::unique_lock lock(m.mu);
    m.cv.wait(lock, [&m] { return m.stopping || m.done; });
    while (!m.done) {
      if (m.svr.is_running()) {
        m.svr.stop();
        break;
      }
      m.cv.wait_for(lock, std::chrono::milliseconds(10));
    }
  });
  const bool listened = m.svr.listen_after_bind();
  {
    std::lock_guard lock(m.mu);
    m.done = true;
  }
  m.cv.notify_all();
  refresher.join();
  stopper.join();
  if (!listened && !m.stopping) return Status::IoError("the server stopped listening");
  return Status::Ok();
}

void ApiServer::Stop() {
  impl_->streams_stop = true;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
}

void TuneAllocatorForReloads() {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

}  // namespace cordon::serve
