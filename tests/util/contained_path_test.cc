// ContainedRoots (util/contained_path.h): files named by input are opened only inside roots.
// Every case runs twice: with openat2 for the final open, and with the openat fallback.
#include "cordon/util/contained_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// T/root is the first root; T/secret.txt and T/outdir/ are outside it; T/media/ is a second
// root in the tests that ask for one.
class ContainedPathTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const fs::path t = Dir();
    testing::WriteFile(t / "root" / "a.txt", "inside a");
    testing::WriteFile(t / "root" / "sub" / "b.txt", "inside b");
    testing::WriteFile(t / "secret.txt", "secret");
    testing::WriteFile(t / "outdir" / "s.txt", "outside s");
    testing::WriteFile(t / "media" / "m.txt", "media m");
    const fs::path r = t / "root";
    fs::create_symlink("a.txt", r / "link_in");
    fs::create_symlink(r / "sub" / "b.txt", r / "link_abs_in");
    fs::create_symlink("..", r / "sub" / "up");
    fs::create_symlink("../secret.txt", r / "link_out");
    fs::create_symlink(t / "secret.txt", r / "link_abs_out");
    fs::create_directory_symlink(t / "outdir", r / "dir_out");
    fs::create_symlink("/proc/self/environ", r / "link_environ");
    fs::create_symlink("../media/m.txt", r / "link_media");
    fs::create_symlink("loop2", r / "loop1");
    fs::create_symlink("loop1", r / "loop2");
    ASSERT_EQ(::mkfifo((r / "fifo").c_str(), 0600), 0);
  }

  ContainedRoots Roots(std::vector<std::string> dirs = {}) {
    if (dirs.empty()) dirs = {Path("root")};
    auto roots = ContainedRoots::Open(dirs, /*use_openat2=*/GetParam());
    EXPECT_TRUE(roots.ok()) << roots.status().ToString();
    return std::move(roots).value();
  }
  // The temporary directory resolved, so absolute paths into it are inside the roots.
  fs::path Dir() const { return fs::canonical(tmp_.path()); }
  std::string Path(const std::string& rel) const { return (Dir() / rel).string(); }

  // The content of the file opened, or the refusal's name.
  static std::string Open(const ContainedRoots& roots, const std::string& path, size_t base = 0) {
    ContainedFile f = roots.OpenFile(path, base);
    if (f.ok()) return ReadAll(f.fd.get());
    switch (*f.refusal) {
      case PathRefusal::kUrl:
        return "url";
      case PathRefusal::kInvalid:
        return "invalid";
      case PathRefusal::kOutsideRoot:
        return "outside";
      case PathRefusal::kSymlinkEscape:
        return "escape";
      case PathRefusal::kMissing:
        return "missing";
      case PathRefusal::kNotRegular:
        return "not regular: " + f.detail;
      case PathRefusal::kUnreadable:
        return "unreadable: " + f.detail;
    }
    return "?";
  }

  testing::TempDir tmp_;
};

TEST_P(ContainedPathTest, OpensRegularFilesInsideTheRoot) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, "a.txt"), "inside a");
  EXPECT_EQ(Open(roots, "sub/b.txt"), "inside b");
  EXPECT_EQ(Open(roots, "./sub//b.txt"), "inside b");
  EXPECT_EQ(Open(roots, "sub/../a.txt"), "inside a");
  EXPECT_EQ(Open(roots, "../root/a.txt"), "inside a");  // out by name, and back in
  EXPECT_EQ(Open(roots, Path("root/a.txt")), "inside a");
}

TEST_P(ContainedPathTest, RefusesAbsolutePathsAndDotDotOutside) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, Path("secret.txt")), "outside");
  EXPECT_EQ(Open(roots, "/etc/passwd"), "outside");
  EXPECT_EQ(Open(roots, "/proc/self/environ"), "outside");
  EXPECT_EQ(Open(roots, "../secret.txt"), "outside");
  EXPECT_EQ(Open(roots, "sub/../../secret.txt"), "outside");
  EXPECT_EQ(Open(roots, "../../../../../../../../etc/passwd"), "outside");
  EXPECT_EQ(Open(roots, "../outdir/s.txt"), "outside");
}

TEST_P(ContainedPathTest, FollowsSymlinksThatStayInside) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, "link_in"), "inside a");
  EXPECT_EQ(Open(roots, "link_abs_in"), "inside b");
  EXPECT_EQ(Open(roots, "sub/up/a.txt"), "inside a");
  EXPECT_EQ(Open(roots, "sub/up/sub/up/link_in"), "inside a");
}

TEST_P(ContainedPathTest, RefusesSymlinksThatLeadOut) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, "link_out"), "escape");
  EXPECT_EQ(Open(roots, "link_abs_out"), "escape");
  EXPECT_EQ(Open(roots, "dir_out/s.txt"), "escape");
  EXPECT_EQ(Open(roots, "link_environ"), "escape");
  EXPECT_EQ(Open(roots, "link_media"), "escape");  // not a root here
  EXPECT_EQ(Open(roots, "loop1"), "invalid");
}

TEST_P(ContainedPathTest, ASecondRootIsReachableByPathOrSymlink) {
  ContainedRoots roots = Roots({Path("root"), Path("media")});
  EXPECT_EQ(Open(roots, "../media/m.txt"), "media m");
  EXPECT_EQ(Open(roots, Path("media/m.txt")), "media m");
  EXPECT_EQ(Open(roots, "link_media"), "media m");
  EXPECT_EQ(Open(roots, "m.txt", 1), "media m");  // relative to root 1
  EXPECT_EQ(Open(roots, "../secret.txt"), "outside");
  EXPECT_EQ(Open(roots, "link_out"), "escape");
}

TEST_P(ContainedPathTest, ARootAboveTheBaseCoversItsParent) {
  ContainedRoots roots = Roots({Path("root"), Dir().string()});
  EXPECT_EQ(Open(roots, "../secret.txt"), "secret");
  EXPECT_EQ(Open(roots, "link_out"), "secret");
  EXPECT_EQ(Open(roots, "dir_out/s.txt"), "outside s");
  EXPECT_EQ(Open(roots, "link_environ"), "escape");
}

TEST_P(ContainedPathTest, RefusesWhatIsNotARegularFileWithoutBlocking) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, "fifo"), "not regular: FIFO");  // a blocking open would hang here
  EXPECT_EQ(Open(roots, "sub"), "not regular: directory");
  EXPECT_EQ(Open(roots, "."), "not regular: directory");
  EXPECT_EQ(Open(roots, "sub/.."), "not regular: directory");
  ContainedRoots dev = Roots({"/dev"});
  EXPECT_EQ(Open(dev, "null"), "not regular: character device");
  EXPECT_EQ(Open(dev, "/dev/zero"), "not regular: character device");
}

TEST_P(ContainedPathTest, MissingFilesAndNonDirectories) {
  ContainedRoots roots = Roots();
  EXPECT_EQ(Open(roots, "nope.txt"), "missing");
  EXPECT_EQ(Open(roots, "nope/a.txt"), "missing");
  EXPECT_EQ(Open(roots, "a.txt/b.txt"), "missing");
  EXPECT_EQ(Open(roots, "a.txt/.."), "missing");
}

TEST_P(ContainedPathTest, RefusesUrlsAndInvalidPathsWithoutLookingThemUp) {
  ContainedRoots roots = Roots();
  // A file named like a URL scheme is there, and still not opened.
  testing::WriteFile(Path("root/mxc:"), "x");
  for (const char* url : {"mxc://harbor.example/AbC", "https://example.org/a.png", "http://x/y",
                          "file:///etc/passwd", "data:text/plain,hi", "MXC://X/y", "mxc:"}) {
    EXPECT_EQ(Open(roots, url), "url") << url;
  }
  EXPECT_EQ(Open(roots, ""), "invalid");
  EXPECT_EQ(Open(roots, std::string("a.txt\0/../secret.txt", 20)), "invalid");
  EXPECT_EQ(Open(roots, std::string(5000, 'a')), "invalid");
}

TEST_P(ContainedPathTest, RootsMustBeDirectories) {
  EXPECT_FALSE(ContainedRoots::Open({Path("secret.txt")}, GetParam()).ok());
  EXPECT_FALSE(ContainedRoots::Open({Path("no-such-dir")}, GetParam()).ok());
  auto roots = ContainedRoots::Open({Path("root/sub/up")}, GetParam());  // a link to a dir
  ASSERT_TRUE(roots.ok());
  EXPECT_EQ(roots->root_path(0), fs::canonical(Path("root")).string());
}

INSTANTIATE_TEST_SUITE_P(Open, ContainedPathTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "openat2" : "openat"; });

TEST(HasUrlScheme, SchemesAndNotSchemes) {
  for (const char* s : {"mxc://a/b", "https://a", "svn+ssh://a", "a.b-c:x", "tg:resolve"}) {
    EXPECT_TRUE(HasUrlScheme(s)) << s;
  }
  for (const char* s : {"a.png", "C:\\x.jpg", "c:x", "photos/a:b.png", "1ab:x", ":x", "-a:b", "",
                        "/abs:x", "a b:c"}) {
    EXPECT_FALSE(HasUrlScheme(s)) << s;
  }
}

}  // namespace
}  // namespace cordon
