#include "cordon/model/links.h"

#include <gtest/gtest.h>

namespace cordon {
namespace {

struct LinkCase {
  const char* url;
  const char* normalized;
  const char* platform;
  const char* kind;
  const char* target;
};

std::ostream& operator<<(std::ostream& os, const LinkCase& c) { return os << c.url; }

class NormalizeLinkTest : public ::testing::TestWithParam<LinkCase> {};

TEST_P(NormalizeLinkTest, NormalisesAndIsIdempotent) {
  const LinkCase& c = GetParam();
  auto l = NormalizeLink(c.url);
  ASSERT_TRUE(l.has_value()) << c.url;
  EXPECT_EQ(l->normalized, c.normalized);
  EXPECT_EQ(l->platform, c.platform);
  EXPECT_EQ(l->kind, c.kind);
  EXPECT_EQ(l->target, c.target);
  // The normalised form reads back as itself: the store can match links on it.
  auto again = NormalizeLink(l->normalized);
  ASSERT_TRUE(again.has_value()) << l->normalized;
  EXPECT_EQ(again->normalized, l->normalized);
  EXPECT_EQ(again->kind, l->kind);
  EXPECT_EQ(again->target, l->target);
}

// Every link shape of the field guide (section 3), plus the variants seen in the wild.
const LinkCase kLinkCases[] = {
    // Telegram usernames are case-insensitive; previews, mirrors and subdomains are the same.
    {"t.me/Beta", "t.me/beta", "telegram", "username", "beta"},
    {"https://T.ME/S/Some_Chan", "t.me/some_chan", "telegram", "username", "some_chan"},
    {"https://t.me/s/some_chan/", "t.me/some_chan", "telegram", "username", "some_chan"},
    {"http://www.t.me/name?start=x", "t.me/name", "telegram", "username", "name"},
    {"telegram.me/Name", "t.me/name", "telegram", "username", "name"},
    {"https://telegram.dog/Name", "t.me/name", "telegram", "username", "name"},
    {"https://name.t.me", "t.me/name", "telegram", "username", "name"},
    {"https://t.me/boost/Name", "t.me/name", "telegram", "username", "name"},
    {"tg://resolve?domain=Some_Chan", "t.me/some_chan", "telegram", "username", "some_chan"},
    {"tg:resolve?domain=abc", "t.me/abc", "telegram", "username", "abc"},
    // Posts.
    {"https://t.me/some_chan/123", "t.me/some_chan/123", "telegram", "post", "some_chan/123"},
    {"https://t.me/s/Some_Chan/123?single", "t.me/some_chan/123", "telegram", "post",
     "some_chan/123"},
    {"https://t.me/forum_chat/5/123", "t.me/forum_chat/123", "telegram", "post", "forum_chat/123"},
    {"https://name.t.me/44", "t.me/name/44", "telegram", "post", "name/44"},
    {"tg://resolve?domain=some_chan&post=55", "t.me/some_chan/55", "telegram", "post",
     "some_chan/55"},
    {"https://t.me/c/1234567/89", "t.me/c/1234567/89", "telegram", "post", "c/1234567/89"},
    {"tg://privatepost?channel=123&post=4", "t.me/c/123/4", "telegram", "post", "c/123/4"},
    {"https://t.me/c/1234567", "t.me/c/1234567", "telegram", "channel", "c/1234567"},
    // Invites keep their case.
    {"https://t.me/+AbCd", "t.me/+AbCd", "telegram", "invite", "AbCd"},
    {"t.me/joinchat/AbC-dEf_1", "t.me/+AbC-dEf_1", "telegram", "invite", "AbC-dEf_1"},
    {"https://telegram.me/joinchat/AbCd", "t.me/+AbCd", "telegram", "invite", "AbCd"},
    {"tg://join?invite=AbC", "t.me/+AbC", "telegram", "invite", "AbC"},
    {"https://t.me/joinchat/12345", "t.me/joinchat/12345", "telegram", "invite", "12345"},
    {"https://t.me/+15550001111", "t.me/+15550001111", "telegram", "phone", "15550001111"},
    {"https://t.me/addlist/AbCdEf", "t.me/addlist/AbCdEf", "telegram", "folder", "AbCdEf"},
    {"tg://addlist?slug=AbCdEf", "t.me/addlist/AbCdEf", "telegram", "folder", "AbCdEf"},
    {"tg://user?id=42", "tg://user?id=42", "telegram", "user", "42"},
    // Telegram's own pages name no chat.
    {"https://t.me/", "t.me", "telegram", "web", ""},
    {"https://t.me/share/url?url=x", "t.me/share/url?url=x", "telegram", "web", ""},
    {"https://t.me/addstickers/Pack", "t.me/addstickers/Pack", "telegram", "web", ""},
    {"tg://settings", "tg://settings", "telegram", "web", ""},
    // Matrix: matrix.to, Riot, Element (also self-hosted) and the matrix: URI scheme.
    {"https://matrix.to/#/#room:Example.org", "matrix:#room:example.org", "matrix", "alias",
     "#room:example.org"},
    {"https://matrix.to/#/%23room%3Aexample.org?via=example.org", "matrix:#room:example.org",
     "matrix", "alias", "#room:example.org"},
    {"matrix.to/#/!abc:example.org", "matrix:!abc:example.org", "matrix", "room",
     "!abc:example.org"},
    {"https://matrix.to/#/@Alice:Example.org", "matrix:@Alice:example.org", "matrix", "user",
     "@Alice:example.org"},
    {"https://matrix.to/#/!abc:example.org/$ev1?via=x", "matrix:!abc:example.org/$ev1", "matrix",
     "post", "!abc:example.org/$ev1"},
    {"https://riot.im/app/#/room/#room:example.org", "matrix:#room:example.org", "matrix", "alias",
     "#room:example.org"},
    {"https://riot.im/app/#/room/!id:example.org", "matrix:!id:example.org", "matrix", "room",
     "!id:example.org"},
    {"https://app.element.io/#/room/#room:example.org", "matrix:#room:example.org", "matrix",
     "alias", "#room:example.org"},
    {"https://app.element.io/#/user/@u:example.org", "matrix:@u:example.org", "matrix", "user",
     "@u:example.org"},
    {"https://chat.example.org/#/room/#general:example.org", "matrix:#general:example.org",
     "matrix", "alias", "#general:example.org"},
    {"https://element.io", "element.io", "matrix", "web", ""},
    {"https://app.element.io/#/home", "app.element.io", "matrix", "web", ""},
    {"matrix:r/room:example.org", "matrix:#room:example.org", "matrix", "alias",
     "#room:example.org"},
    {"matrix:roomid/id:example.org/e/ev?via=x", "matrix:!id:example.org/$ev", "matrix", "post",
     "!id:example.org/$ev"},
    {"matrix:u/alice:example.org?action=chat", "matrix:@alice:example.org", "matrix", "user",
     "@alice:example.org"},
    // Rocket.Chat on any host; channel names are lowercased.
    {"https://chat.example.org/channel/General", "rocketchat:chat.example.org/general",
     "rocketchat", "channel", "chat.example.org/general"},
    {"https://chat.example.org:3000/group/Secret", "rocketchat:chat.example.org:3000/secret",
     "rocketchat", "channel", "chat.example.org:3000/secret"},
    {"chat.example.org/channel/%D9%82%D9%86%D8%A7%D8%A9",
     "rocketchat:chat.example.org/\xD9\x82\xD9\x86\xD8\xA7\xD8\xA9", "rocketchat", "channel",
     "chat.example.org/\xD9\x82\xD9\x86\xD8\xA7\xD8\xA9"},
    {"https://chat.example.org/direct/Bob", "rocketchat:chat.example.org/@bob", "rocketchat",
     "user", "chat.example.org/@bob"},
    {"https://chat.example.org/channel/general?msg=AbC123",
     "rocketchat:chat.example.org/general/AbC123", "rocketchat", "post",
     "chat.example.org/general/AbC123"},
    {"https://chat.example.org/channel/general/thread/Xyz",
     "rocketchat:chat.example.org/general/Xyz", "rocketchat", "post",
     "chat.example.org/general/Xyz"},
    {"https://chat.example.org/invite/AbCd1", "rocketchat:chat.example.org/invite/AbCd1",
     "rocketchat", "invite", "chat.example.org/invite/AbCd1"},
    {"https://go.rocket.chat/invite?host=chat.example.org&path=invite%2FAbC",
     "rocketchat:chat.example.org/invite/AbC", "rocketchat", "invite",
     "chat.example.org/invite/AbC"},
    // Video sites use /channel/ too.
    {"https://www.youtube.com/channel/UCabc", "youtube.com/channel/UCabc", "web", "web", ""},
    {"https://ok.ru/group/123", "ok.ru/group/123", "web", "web", ""},
    // TamTam, Hoop, nandbox.
    {"tt.me/SomeName", "tt.me/somename", "tamtam", "username", "somename"},
    {"https://tamtam.chat/SomeName", "tt.me/somename", "tamtam", "username", "somename"},
    {"https://tt.me/join/AbCd", "tt.me/join/AbCd", "tamtam", "invite", "AbCd"},
    {"https://hoop.photo/share/2CssJm5w", "hoop.photo/share/2CssJm5w", "hoop", "user", "2CssJm5w"},
    {"https://hoop.photo/", "hoop.photo", "hoop", "web", ""},
    {"https://nandbox.com/SomeUser", "nandbox.com/someuser", "nandbox", "username", "someuser"},
    {"https://nandbox.com/how-to-design", "nandbox.com/how-to-design", "nandbox", "web", ""},
    // The web: host lowercased, www. and default ports dropped, tracking parameters removed,
    // path case kept.
    {"https://Example.COM/Path/?utm_source=x&id=3#frag", "example.com/Path?id=3", "web", "web", ""},
    {"http://example.com:80/", "example.com", "web", "web", ""},
    {"https://example.com:8443/a", "example.com:8443/a", "web", "web", ""},
    {"https://user:pw@example.com/a", "example.com/a", "web", "web", ""},
    {"https://[::1]:8080/x", "[::1]:8080/x", "web", "web", ""},
    {"www.example.org/page", "example.org/page", "web", "web", ""},
};

INSTANTIATE_TEST_SUITE_P(Links, NormalizeLinkTest, ::testing::ValuesIn(kLinkCases));

TEST(NormalizeLink, KeepsTheUrlAsWrittenWithAScheme) {
  EXPECT_EQ(NormalizeLink("t.me/Beta")->url, "https://t.me/Beta");
  EXPECT_EQ(NormalizeLink("http://t.me/Beta")->url, "http://t.me/Beta");
  EXPECT_EQ(NormalizeLink("  https://t.me/x \n")->url, "https://t.me/x");
  EXPECT_EQ(NormalizeLink("tg://join?invite=AbC")->url, "tg://join?invite=AbC");
}

TEST(NormalizeLink, RefusesWhatIsNoLink) {
  for (const char* s :
       {"", "   ", "example", "foo@bar.com", "mailto:x@example.com", "javascript:alert(1)",
        "https://", "https://exa mple.com", "https://-bad.example/", "http://a..b/",
        "matrix:#noserver", "matrix:x/y", "rocketchat:host", "tg://", "https://ex\x01.com"}) {
    EXPECT_FALSE(NormalizeLink(s).has_value()) << s;
  }
}

TEST(NormalizeLink, InviteCodesAreCaseSensitiveUsernamesAreNot) {
  EXPECT_NE(NormalizeLink("t.me/+AbCd")->normalized, NormalizeLink("t.me/+abcd")->normalized);
  EXPECT_EQ(NormalizeLink("t.me/AbCd")->normalized, NormalizeLink("t.me/abcd")->normalized);
  EXPECT_NE(NormalizeLink("tt.me/join/Ab")->normalized, NormalizeLink("tt.me/join/ab")->normalized);
}

struct ExtractCase {
  const char* text;
  std::vector<std::string> urls;
};

class ExtractUrlsTest : public ::testing::TestWithParam<ExtractCase> {};

TEST_P(ExtractUrlsTest, FindsTheLinks) {
  EXPECT_EQ(ExtractUrls(GetParam().text), GetParam().urls) << GetParam().text;
}

const ExtractCase kExtractCases[] = {
    {"see t.me/Beta and https://t.me/+AbCd.", {"t.me/Beta", "https://t.me/+AbCd"}},
    {"no links here, only t.me and example.", {}},
    // Brackets, quotes and markdown around links.
    {"(t.me/x) [link](https://t.me/y) \"https://example.com/a\"",
     {"t.me/x", "https://t.me/y", "https://example.com/a"}},
    {"https://en.wikipedia.org/wiki/Foo_(bar)) end", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
    {"**https://t.me/bold**, _t.me/ital_", {"https://t.me/bold", "t.me/ital"}},
    {"<https://t.me/angle>", {"https://t.me/angle"}},
    {"<a href=\"https://t.me/html\">x</a>", {"https://t.me/html"}},
    // Trailing punctuation, and lists without spaces.
    {"HTTPS://T.ME/CAPS!!", {"HTTPS://T.ME/CAPS"}},
    {"https://t.me/a,https://t.me/b;https://t.me/c",
     {"https://t.me/a", "https://t.me/b", "https://t.me/c"}},
    {"www.example.org/page?x=1. and www.nothing", {"www.example.org/page?x=1"}},
    {"go to https://t.me/x\xE2\x80\xA6more", {"https://t.me/x"}},  // U+2026
    {"\xC2\xABhttps://t.me/q\xC2\xBB", {"https://t.me/q"}},        // guillemets
    // Arabic text around links, with and without spaces; Arabic comma; right-to-left marks.
    {"\xD8\xAA\xD8\xA7\xD8\xA8\xD8\xB9\xD9\x88\xD9\x86\xD8\xA7 t.me/example_news "
     "\xD9\x84\xD9\x84\xD9\x85\xD8\xB2\xD9\x8A\xD8\xAF",
     {"t.me/example_news"}},
    {"\xD9\x82\xD9\x86\xD8\xA7\xD8\xAA\xD9\x86\xD8\xA7:https://t.me/chan_a"
     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7\xD8\x8C",
     {"https://t.me/chan_a"}},
    {"https://ar.example.org/wiki/\xD9\x85\xD9\x82\xD8\xA7\xD9\x84\xD8\xA9\xD8\x8C "
     "\xD9\x86\xD8\xB5",
     {"https://ar.example.org/wiki/\xD9\x85\xD9\x82\xD8\xA7\xD9\x84\xD8\xA9"}},
    {"\xE2\x80\x8Ft.me/rtl_chan\xE2\x80\x8F", {"t.me/rtl_chan"}},        // RLM
    {"\xE2\x81\xA7https://t.me/iso\xE2\x81\xA9", {"https://t.me/iso"}},  // isolates
    // Zero-width characters inside a link are dropped; around it they end nothing.
    {"t.me/na\xE2\x80\x8Bme and t.me/x\xE2\x80\x8B", {"t.me/name", "t.me/x"}},
    {"https://t.me/jo\xEF\xBB\xBFinchat/AbC", {"https://t.me/joinchat/AbC"}},
    // Unicode spaces and full-width punctuation end links.
    {"t.me/a\xC2\xA0t.me/b\xE3\x80\x80t.me/c\xEF\xBC\x8C", {"t.me/a", "t.me/b", "t.me/c"}},
    // Other hosts that merely end like a known one are no links; e-mail addresses neither.
    {"chat.me/x at.me/y user@t.me/z", {}},
    {"name.t.me rest", {"name.t.me"}},
    // Schemes and matrix links.
    {"tg://resolve?domain=abc&post=3 matrix:r/room:example.org",
     {"tg://resolve?domain=abc&post=3", "matrix:r/room:example.org"}},
    {"matrix.to/#/#room:example.org riot.im/app/#/room/!x:example.org",
     {"matrix.to/#/#room:example.org", "riot.im/app/#/room/!x:example.org"}},
    {"https://chat.example.org/channel/general\xE2\x80\xA6",
     {"https://chat.example.org/channel/general"}},
    {"tt.me/someone, hoop.photo/share/Ab1", {"tt.me/someone", "hoop.photo/share/Ab1"}},
    {"https:// t.me/ http://", {}},
};

INSTANTIATE_TEST_SUITE_P(Links, ExtractUrlsTest, ::testing::ValuesIn(kExtractCases));

TEST(ExtractUrls, SurvivesBrokenUtf8AndLongText) {
  EXPECT_EQ(ExtractUrls("t.me/x\xFF\xFEmore"), std::vector<std::string>{"t.me/x"});
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "word t.me/c" + std::to_string(i) + " ";
  auto urls = ExtractUrls(big);
  ASSERT_EQ(urls.size(), 2000u);
  EXPECT_EQ(urls.back(), "t.me/c1999");
}

TEST(ExtractHtmlHrefs, ReadsQuotedAndBareValues) {
  EXPECT_EQ(ExtractHtmlHrefs("<a href=\"https://matrix.to/#/@a:example.org\">A</a> and "
                             "<A HREF='https://t.me/x?a=1&amp;b=2'>x</A> <a href=t.me/y>y</a>"),
            (std::vector<std::string>{"https://matrix.to/#/@a:example.org",
                                      "https://t.me/x?a=1&b=2", "t.me/y"}));
  EXPECT_TRUE(ExtractHtmlHrefs("<a data-href=\"x\">no</a> href text").empty());
  EXPECT_TRUE(ExtractHtmlHrefs("<a href=\"unterminated").empty());
}

TEST(LinkList, KeepsEachTargetOnce) {
  LinkList l;
  l.Add("t.me/Beta");
  l.Add("https://t.me/beta");
  l.Add("https://t.me/+AbC");
  l.Add("not a link");
  l.Add("not a link");
  EXPECT_EQ(l.Take(), (std::vector<std::string>{"t.me/Beta", "https://t.me/+AbC", "not a link"}));
}

}  // namespace
}  // namespace cordon
