// Web release manifests (web_release.h): the sha256sum format, sorted, strict both ways.
#include "domain/web_release.h"

#include <gtest/gtest.h>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {

crypto::Digest32 Of(std::string_view text) { return crypto::Sha256(crypto::AsBytes(text)); }

TEST(WebReleaseTest, TheManifestIsWhatSha256sumPrintsSortedByPath) {
  auto m = WebManifest(
      {{"/index.html", Of("<html>")}, {"/assets/app-1.js", Of("js")}, {"/favicon.svg", Of("")}});
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(*m, crypto::ToHex(Of("js")) + "  /assets/app-1.js\n" + crypto::ToHex(Of("")) +
                    "  /favicon.svg\n" + crypto::ToHex(Of("<html>")) + "  /index.html\n");
  auto back = ParseWebManifest(*m);
  ASSERT_TRUE(back.ok()) << back.error().message();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0], (WebFile{"/assets/app-1.js", Of("js")}));
  EXPECT_EQ(WebReleaseId(*m), Of(*m));
  // sha256 of the empty string, as sha256sum prints it for an empty file.
  EXPECT_NE(
      m->find("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /favicon.svg\n"),
      std::string::npos);
}

TEST(WebReleaseTest, PathsAndLinesBreakingTheRulesAreRefused) {
  for (const char* path :
       {"", "/", "index.html", "//a", "/a//b", "/a/", "/.env", "/a/../b", "/a b", "/ä", "/a\\b"}) {
    EXPECT_FALSE(WebManifest({{path, Of("x")}}).ok()) << path;
  }
  EXPECT_FALSE(WebManifest({}).ok());
  EXPECT_FALSE(WebManifest({{"/a", Of("1")}, {"/a", Of("2")}}).ok());
  EXPECT_FALSE(WebManifest({{"/" + std::string(kMaxWebPath, 'a'), Of("x")}}).ok());
  std::vector<WebFile> many;
  for (std::size_t i = 0; i <= kMaxWebFiles; ++i)
    many.push_back({"/f" + std::to_string(i), Of("x")});
  EXPECT_FALSE(WebManifest(many).ok());
  const std::string good = crypto::ToHex(Of("x")) + "  /a\n";
  EXPECT_TRUE(ParseWebManifest(good).ok());
  for (const std::string& bad :
       {std::string(""), good.substr(0, good.size() - 1), good + "\n", " " + good, good + good,
        crypto::ToHex(Of("y")) + "  /b\n" + good, good + "\r\n"}) {
    EXPECT_FALSE(ParseWebManifest(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace candor::domain
