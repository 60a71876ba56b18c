// The dashboard's page and assets: served from the copies compiled into the binary.
#include "cordon/serve/dashboard.h"

#include <string>

namespace cordon::serve {

using httplib::Request;
using httplib::Response;

void SetDashboardSecurityHeaders(Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                 "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
                 "form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Cross-Origin-Resource-Policy", "same-origin");
}

namespace {

const DashboardAsset* FindAsset(std::string_view name) {
  for (const DashboardAsset& a : DashboardAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void SendAsset(Response& res, const DashboardAsset& a) {
  SetDashboardSecurityHeaders(res);
  // The assets change only with the binary; revalidating costs little on a dashboard.
  res.set_header("Cache-Control", "no-cache");
  res.status = 200;
  res.set_content(a.body.data(), a.body.size(), std::string(a.type));
}

}  // namespace

void AddDashboardRoutes(V1Context& ctx) {
  httplib::Server& svr = *ctx.svr;
  svr.Get("/", [](const Request&, Response& res) {
    const DashboardAsset* page = FindAsset("index.html");
    if (page == nullptr) return SendError(res, 404, "this build has no dashboard");
    SendAsset(res, *page);
  });
  // Browsers ask for it; the dashboard has none (and no image may come from elsewhere).
  svr.Get("/favicon.ico", [](const Request&, Response& res) {
    SetDashboardSecurityHeaders(res);
    res.status = 204;
  });
  // Names are matched against the compiled-in list only: no path reaches the file system.
  svr.Get(R"(/dashboard/([A-Za-z0-9_.-]{1,64}))", [](const Request& req, Response& res) {
    const DashboardAsset* a = FindAsset(std::string(req.matches[1]));
    if (a == nullptr) {
      SetDashboardSecurityHeaders(res);
      return SendError(res, 404, "no such dashboard file");
    }
    SendAsset(res, *a);
  });
  AddDashboardApiRoutes(ctx);
}

}  // namespace cordon::serve
