// Tests for static file serving: content types, index files and safe path resolution.
#include "server/http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace candor::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("candor-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "web";
    fs::create_directories(root_ / "js");
    fs::create_directories(root_ / "docs");
    Write(root_ / "index.html", "<h1>Candor</h1>");
    Write(root_ / "js" / "app.js", "console.log(1)");
    Write(root_ / "docs" / "index.html", "docs");
    Write(root_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "outside the root");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& p, std::string_view text) {
    std::ofstream(p, std::ios::binary) << text;
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
  StaticFiles files(root_);
  Response js = files.Serve("js/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.headers.Get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers.Get("Cache-Control"), "no-cache");
  Response index = files.Serve("");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<h1>Candor</h1>");
  EXPECT_EQ(index.headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(files.Serve("docs").body, "docs");
}

TEST_F(StaticFilesTest, RefusesTraversalAndHiddenFiles) {
  StaticFiles files(root_);
  for (std::string_view bad :
       {"../secret.txt", "js/../../secret.txt", "..", ".", "./index.html", ".env", "js//app.js",
        "js/app.js/", "/etc/passwd", "js\\..\\..\\secret.txt", "missing.html"}) {
    Response r = files.Serve(bad);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.body.find("outside"), std::string::npos) << bad;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << bad;
  }
  EXPECT_EQ(files.Serve(std::string("index.html\0x", 12)).status, 404);
}

TEST_F(StaticFilesTest, RefusesSymlinksLeavingTheRoot) {
  fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  fs::create_directory_symlink(base_, root_ / "up");
  StaticFiles files(root_);
  EXPECT_EQ(files.Serve("link.txt").status, 404);
  EXPECT_EQ(files.Serve("up/secret.txt").status, 404);
  // A link that stays inside is fine.
  fs::create_symlink(root_ / "index.html", root_ / "home.html");
  EXPECT_EQ(files.Serve("home.html").status, 200);
}

TEST_F(StaticFilesTest, MissingRootAndSizeLimit) {
  EXPECT_EQ(StaticFiles(base_ / "nope").Serve("index.html").status, 404);
  StaticFiles small(root_, {.index_file = "index.html", .max_file_bytes = 3});
  EXPECT_EQ(small.Serve("js/app.js").status, 404);
}

TEST_F(StaticFilesTest, AsHandlerUsesTheCatchAll) {
  Router router;
  ASSERT_TRUE(router.Anonymous("GET", "/static/{*path}", StaticFiles(root_).AsHandler()).ok());
  auto match = router.Match("GET", "/static/js/app.js");
  ASSERT_TRUE(match.found());
  Request req;
  req.path_params = match.params;
  EXPECT_EQ(match.route->handler()(req).body, "console.log(1)");
}

TEST_F(StaticFilesTest, MountAtRootServesTheAppAndLeavesDeeperPathsAlone) {
  fs::create_directories(root_ / "assets" / "sub");
  Write(root_ / "assets" / "index-1a2b.js", "app()");
  Write(root_ / "assets" / "sub" / "worker.js", "work()");
  Write(root_ / "assets" / "index.html", "not an index");
  Router router;
  ASSERT_TRUE(StaticFiles(root_).MountAtRoot(router).ok());
  ASSERT_TRUE(router
                  .Anonymous("GET", "/api/v1/health",
                             [](const Request&) { return Response::Text(200, "ok"); })
                  .ok());
  auto serve = [&](std::string_view method, std::string_view path) -> Response {
    auto match = router.Match(method, path);
    if (!match.found()) return NoRouteResponse(match);
    EXPECT_EQ(match.route->privacy(), Privacy::kAnonymous) << path;
    Request req;
    req.path_params = match.params;
    return match.route->handler()(req);
  };
  EXPECT_EQ(serve("GET", "/").body, "<h1>Candor</h1>");
  EXPECT_EQ(serve("GET", "/index.html").body, "<h1>Candor</h1>");
  EXPECT_EQ(serve("GET", "/assets/index-1a2b.js").body, "app()");
  EXPECT_EQ(serve("GET", "/assets/sub/worker.js").body, "work()");
  EXPECT_EQ(serve("GET", "/api/v1/health").body, "ok");
  EXPECT_EQ(serve("GET", "/assets/").status, 404);
  EXPECT_EQ(serve("GET", "/.env").status, 404);
  EXPECT_EQ(serve("GET", "/docs").status, 404) << "directories other than the root are not indexes";
  // Only the root, files beside the index and assets/ are reachable; the API's unknown paths
  // keep the router's answers.
  EXPECT_EQ(serve("GET", "/js/app.js").status, 404);
  EXPECT_EQ(serve("POST", "/api/v1/nothing").status, 404);
  EXPECT_EQ(serve("POST", "/").status, 405);
}

TEST(ContentTypeFor, KnownAndUnknown) {
  EXPECT_EQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace candor::http
