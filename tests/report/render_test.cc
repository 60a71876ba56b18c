// The report as a reader sees it: `cordon demo` writes it, headless Chromium renders it, and
// every section must be there with its content, and the picture must not be blank.
//
// Chromium comes from `scripts/install-deps.sh --report` (CI installs it). Without it the test
// is skipped, unless CORDON_REQUIRE_CHROMIUM is set, as in CI, where a missing browser fails.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cordon/content/image.h"
#include "cordon/content/video.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

std::string FindChromium() {
  for (const char* p :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

int Shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

TEST(ReportRender, EverySectionRendersInChromium) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    if (std::getenv("CORDON_REQUIRE_CHROMIUM") != nullptr) {
      FAIL() << "Chromium is not installed (scripts/install-deps.sh --report)";
    }
    GTEST_SKIP() << "Chromium is not installed (scripts/install-deps.sh --report)";
  }
  testing::TempDir tmp;
  const std::string out = tmp.File("demo");
  ASSERT_EQ(Shell(std::string(CORDON_BINARY) + " demo --out " + out + " > " + tmp.File("demo.log") +
                  " 2>&1"),
            0)
      << testing::ReadFile(tmp.File("demo.log"));
  const std::string report = out + "/report.html";
  ASSERT_TRUE(fs::exists(report));

  // The DOM after Chromium parsed and laid it out.
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
      "--hide-scrollbars --user-data-dir=" +
      tmp.File("profile");
  ASSERT_EQ(Shell(chromium + flags + " --dump-dom file://" + report + " > " + tmp.File("dom.html") +
                  " 2> " + tmp.File("chromium.log")),
            0)
      << testing::ReadFile(tmp.File("chromium.log"));
  const std::string dom = testing::ReadFile(tmp.File("dom.html"));
  std::vector<const char*> sections = {"headlines",     "takedowns", "before-after", "coverage",
                                       "survival",      "migration", "network",      "key-actors",
                                       "regenerations", "referrals", "method"};
  // The demo's videos (only in builds that can make them).
  if (VideoSupported()) sections.push_back("video-coverage");
  for (const char* id : sections) {
    const std::string open = std::string("<section id=\"") + id + "\">";
    const size_t at = dom.find(open);
    ASSERT_NE(at, std::string::npos) << "section " << id << " missing";
    const std::string body = dom.substr(at, dom.find("</section>", at) - at);
    EXPECT_GT(body.size(), open.size() + 40) << "section " << id << " is empty";
    // The demo has data for every section but referrals (nobody referred anything).
    if (std::string(id) != "referrals") {
      EXPECT_EQ(body.find("class=\"empty\""), std::string::npos)
          << "section " << id << " has no data";
    }
  }
  // Charts, and the network map with its nodes.
  EXPECT_GE(Count(dom, "<svg"), 6u);
  EXPECT_NE(dom.find("<circle"), std::string::npos);  // the network map's nodes

  // The picture: a tall screenshot that is mostly page and partly ink.
  ASSERT_EQ(
      Shell(chromium + flags + " --window-size=1280,6000 --screenshot=" + tmp.File("shot.png") +
            " file://" + report + " > /dev/null 2>> " + tmp.File("chromium.log")),
      0)
      << testing::ReadFile(tmp.File("chromium.log"));
  auto shot = DecodeImage(testing::ReadFile(tmp.File("shot.png")), "shot.png", {});
  ASSERT_TRUE(shot.ok()) << shot.status().ToString();
  ASSERT_EQ(shot->width, 1280);
  ASSERT_EQ(shot->height, 6000);
  size_t ink = 0;
  const size_t pixels = static_cast<size_t>(shot->width) * shot->height;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = &shot->pixels[i * static_cast<size_t>(shot->channels)];
    const int luma = shot->channels == 1 ? p[0] : (p[0] + p[1] + p[2]) / 3;
    ink += luma < 160;
  }
  EXPECT_GT(ink, pixels / 200) << "the screenshot is nearly blank";
  EXPECT_LT(ink, pixels / 2) << "the screenshot is mostly dark";
}

}  // namespace
}  // namespace cordon
