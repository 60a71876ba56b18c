// GET /v1/stream: server-sent events of what the store gains while a client watches: ledger
// entries (by seq), content matches (by the row id of their message) and regeneration
// detections (by entity, resumed by detected_at). The stream polls its own connection; each
// event's id is the cursor "LEDGER_SEQ.MESSAGE_ID.DETECTED_AT" after it, so a client that
// reconnects with Last-Event-ID resumes where it was. docs/formats/api.md lists the gaps.
//
// Limits: at most V1Context::max_streams at once (503 beyond, with Retry-After), each for at
// most stream_max_seconds (then the server ends it and the client reconnects), so a slow or
// idle client cannot hold a worker forever; a write that cannot go out within the server's
// write timeout ends it too.
#include <charconv>
#include <chrono>
#include <set>
#include <thread>

#include "cordon/enforce/stage.h"
#include "cordon/ledger/ledger.h"
#include "cordon/ledger/ledger_text.h"
#include "cordon/serve/v1_routes.h"
#include "cordon/store/match_queries.h"

namespace cordon::serve {
namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

constexpr int64_t kBatch = 200;  // rows of each kind read per poll
constexpr auto kKeepAlive = std::chrono::seconds(15);

struct Cursor {
  int64_t ledger = 0, message = 0;
  TimeMs detected = 0;
  std::string Id() const {
    return std::to_string(ledger) + "." + std::to_string(message) + "." + std::to_string(detected);
  }
};

std::optional<Cursor> ParseCursor(const std::string& s) {
  Cursor c;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  int64_t* parts[] = {&c.ledger, &c.message, &c.detected};
  for (int i = 0; i < 3; ++i) {
    auto [q, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc() || *parts[i] < 0) return std::nullopt;
    p = q;
    if (i < 2) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return c;
}

struct Stream {
  V1Context* ctx = nullptr;
  std::unique_ptr<Store> store;
  Cursor cursor;
  std::set<std::string> seen;  // detections delivered or there before the stream
  Clock::time_point deadline, keepalive;
  bool opened = false;

  // Writes one event; false when the client is gone.
  bool Send(httplib::DataSink& sink, std::string_view type, const std::string& data) {
    std::string frame = "id: " + cursor.Id() + "\nevent: " + std::string(type) + "\ndata: ";
    frame += data;  // JSON: control characters are escaped, so it is one line
    frame += "\n\n";
    return sink.write(frame.data(), frame.size());
  }

  // One poll: every new row, in the order ledger, matches, detections. The number of events
  // sent, or -1 when the client is gone or the store failed.
  int64_t Poll(httplib::DataSink& sink) {
    int64_t sent = 0;
    ledger::Ledger led(*store);
    ledger::ListFilter f;
    f.after_seq = cursor.ledger;
    f.limit = kBatch;
    auto entries = led.List(f);
    if (!entries.ok()) return -1;
    for (const auto& e : *entries) {
      cursor.ledger = e.seq;
      if (!Send(sink, "ledger", ledger::EntryJson(e))) return -1;
      ++sent;
    }
    auto matches = MatchesAfterMessage(*store, cursor.message, kBatch);
    if (!matches.ok()) return -1;
    // Only whole messages move the cursor: a batch cut inside one message's matches ends
    // before it, and the next poll reads that message again.
    size_t upto = matches->size();
    if (static_cast<int64_t>(upto) == kBatch && upto > 0) {
      const int64_t last = matches->back().first;
      while (upto > 0 && (*matches)[upto - 1].first == last) --upto;
      if (upto == 0) upto = matches->size();  // one message with more matches than a batch
    }
    for (size_t i = 0; i < upto; ++i) {
      cursor.message = (*matches)[i].first;
      std::string one;
      AppendMatchJson(one, (*matches)[i].second);
      if (!Send(sink, "match", one)) return -1;
      ++sent;
    }
    auto dets = enforce::LoadDetections(*store);
    if (!dets.ok()) return -1;
    for (const auto& d : *dets) {
      if (!seen.insert(d.entity).second) continue;
      cursor.detected = std::max(cursor.detected, d.detected_at);
      std::string one;
      enforce::AppendDetectionJson(one, d);
      if (!Send(sink, "detection", one)) return -1;
      ++sent;
    }
    return sent;
  }

  bool Next(httplib::DataSink& sink) {
    if (!opened) {
      opened = true;
      const std::string hello = ": cordon stream " + cursor.Id() + "\nretry: 2000\n\n";
      return sink.write(hello.data(), hello.size());
    }
    if (ctx->stopping() || Clock::now() >= deadline) {
      sink.done();
      return true;
    }
    const int64_t sent = Poll(sink);
    if (sent < 0) return false;
    if (sent > 0) {
      keepalive = Clock::now() + kKeepAlive;
      return true;
    }
    if (Clock::now() >= keepalive) {
      keepalive = Clock::now() + kKeepAlive;
      static constexpr std::string_view kBeat = ": keepalive\n\n";
      if (!sink.write(kBeat.data(), kBeat.size())) return false;
    }
    // Waits for the next poll, in steps, so a stopping server is not kept waiting.
    const auto until = std::min(
        deadline, Clock::now() + std::chrono::milliseconds(std::max(10, ctx->stream_poll_ms)));
    while (Clock::now() < until && !ctx->stopping()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }
};

}  // namespace

void AddV1StreamRoute(V1Context& ctx) {
  ctx.svr->Get("/v1/stream", ctx.guarded(ApiRole::kViewer, [&ctx](const Request& req, Response& res,
                                                                  Store&, const ApiCaller&) {
    auto s = std::make_shared<Stream>();
    s->ctx = &ctx;
    int seconds = ctx.stream_max_seconds;
    if (req.has_param("max_seconds")) {
      auto v = IntParam(req, res, "max_seconds", seconds);
      if (!v) return;
      seconds = static_cast<int>(std::clamp<int64_t>(*v, 1, ctx.stream_max_seconds));
    }
    std::string last = req.get_header_value("Last-Event-ID");
    if (last.empty() && req.has_param("last_event_id")) last = req.get_param_value("last_event_id");
    std::optional<Cursor> resume;
    if (!last.empty()) {
      resume = ParseCursor(last);
      if (!resume) return SendError(res, 400, "Last-Event-ID must be LEDGER.MESSAGE.DETECTED");
    }
    auto store = Store::Open(ctx.db, OpenMode::kExisting);
    if (!store.ok()) return SendStatus(res, store.status());
    s->store = std::move(*store);
    // Where to start: the resumed cursor, or now (what the store holds is not sent again).
    if (resume) {
      s->cursor = *resume;
    } else {
      auto tip = ReadLedgerTip(*s->store);
      auto last_message = LastMessageId(*s->store);
      if (!tip.ok()) return SendStatus(res, tip.status());
      if (!last_message.ok()) return SendStatus(res, last_message.status());
      s->cursor.ledger = *tip ? (*tip)->seq : 0;
      s->cursor.message = *last_message;
    }
    auto dets = enforce::LoadDetections(*s->store);
    if (!dets.ok()) return SendStatus(res, dets.status());
    for (const auto& d : *dets) {
      if (!resume || d.detected_at <= s->cursor.detected) s->seen.insert(d.entity);
      if (!resume) s->cursor.detected = std::max(s->cursor.detected, d.detected_at);
    }
    // A slot, or 503.
    if (ctx.open_streams->fetch_add(1) >= ctx.max_streams) {
      ctx.open_streams->fetch_sub(1);
      res.set_header("Retry-After", "5");
      return SendError(res, 503, "too many streams open; retry later");
    }
    s->deadline = Clock::now() + std::chrono::seconds(seconds);
    s->keepalive = Clock::now() + kKeepAlive;
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream", [s](size_t, httplib::DataSink& sink) { return s->Next(sink); },
        [&ctx](bool) { ctx.open_streams->fetch_sub(1); });
  }));
}

}  // namespace cordon::serve
