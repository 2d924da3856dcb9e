// End to end, in a real browser: the demo data of ./scripts/run (teams-datagen, 60 customers,
// 13 months to 2026-10-31, partner 4812345) goes in through `teams-report upload`; then
// `teams-report report --range 12m --html ... --svg-dir ...` draws the page, and Debian's
// headless Chromium opens it. The page must load without a single console message (its strict
// Content-Security-Policy turns any attempt to load an asset into one), every section's SVG must
// be in the rendered DOM with shapes in it, and the screenshot must not be blank (decoded with
// libpng: the variance of its luminance). The same checks must fail on deliberately bad pages.
// The page, the DOM, the screenshot and the SVG files stay under ${build}/test-artifacts/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "absl/time/clock.h"
#include "client/html_report.h"
#include "server/auth/dev_token.h"
#include "tests/support/pg_env.h"
#include "tests/support/processes.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kSecret[] = "a-browser-end-to-end-test-secret-of-at-least-32-bytes";
constexpr char kPartner[] = "4812345";  // as scripts/run
constexpr char kChromium[] = "/usr/bin/chromium";
constexpr int kWidth = 1280;
constexpr int kHeight = 2380;
// A page of charts, text and tables has a luminance variance in the thousands; a blank page 0.
constexpr double kMinVariance = 200;

std::string Token(const std::vector<std::string>& roles) {
  auto token = auth::MintHs256Token(kSecret, "browser-e2e", kPartner, roles, "teams-usage-dev",
                                    "teams-usage-report", 900, absl::ToUnixSeconds(absl::Now()));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

std::string ArtifactDir() {
  const std::string dir = std::string(TEAMS_BINARY_DIR) + "/test-artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

// Headless Chromium with the flags that keep it off the network and out of the user's profile,
// on a fresh profile directory; `mode` is --dump-dom or --screenshot=FILE.
testing::CommandResult Chromium(const std::string& mode, const std::string& page) {
  testing::TempDir profile;
  return testing::RunCommand(
      {"/usr/bin/timeout",
       "-k",
       "5",
       "120",
       kChromium,
       "--headless",
       "--no-sandbox",
       "--disable-gpu",
       "--disable-background-networking",
       "--disable-component-update",
       "--disable-sync",
       "--no-first-run",
       "--disable-quic",
       "--hide-scrollbars",
       "--force-device-scale-factor=1",
       "--user-data-dir=" + profile.path(),
       "--enable-logging=stderr",
       "--v=0",
       "--window-size=" + std::to_string(kWidth) + "," + std::to_string(kHeight),
       mode,
       "file://" + page});
}

// Console lines of the page. The page has no script, so any message at all is a failure: this
// Chromium logs a CSP violation ("Loading the image ... violates ...") at INFO level, as
// "[...:INFO:CONSOLE:1] "message", source: file:///... (1)".
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// The sections whose markup in the rendered DOM lacks an <svg>, or has one without a shape.
std::vector<std::string> SectionsWithoutPictures(const std::string& dom) {
  std::vector<std::string> missing;
  for (const char* id : client::kHtmlReportSections) {
    const size_t start = dom.find("<section id=\"" + std::string(id) + "\"");
    const size_t end = start == std::string::npos ? start : dom.find("</section>", start);
    if (start == std::string::npos || end == std::string::npos) {
      missing.push_back(std::string(id) + ": no section");
      continue;
    }
    const std::string section = dom.substr(start, end - start);
    int svgs = 0;
    bool empty_svg = false;
    for (size_t at = section.find("<svg"); at != std::string::npos;
         at = section.find("<svg", at + 1)) {
      ++svgs;
      const std::string svg = section.substr(at, section.find("</svg>", at) - at);
      bool shape = false;
      for (const char* s : {"<rect", "<path", "<circle", "<line", "<polyline"}) {
        shape = shape || svg.find(s) != std::string::npos;
      }
      empty_svg = empty_svg || !shape;
    }
    if (svgs == 0) missing.push_back(std::string(id) + ": no svg");
    if (empty_svg) missing.push_back(std::string(id) + ": an svg without shapes");
  }
  return missing;
}

struct PngStats {
  std::string error;  // empty when decoded
  int width = 0;
  int height = 0;
  double variance = 0;  // of the 8-bit luminance
};

PngStats Decode(const std::string& path) {
  PngStats stats;
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
    stats.error = std::string("cannot read ") + path + ": " + image.message;
    return stats;
  }
  image.format = PNG_FORMAT_GRAY;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) == 0) {
    stats.error = std::string("cannot decode ") + path + ": " + image.message;
    png_image_free(&image);
    return stats;
  }
  stats.width = static_cast<int>(image.width);
  stats.height = static_cast<int>(image.height);
  double sum = 0;
  double squares = 0;
  for (png_byte p : pixels) {
    sum += p;
    squares += static_cast<double>(p) * p;
  }
  const double n = static_cast<double>(pixels.size());
  const double mean = n > 0 ? sum / n : 0;
  stats.variance = n > 0 ? squares / n - mean * mean : 0;
  return stats;
}

// Everything the browser finds wrong with `page`; the screenshot goes to `png`, the DOM to `dom`.
std::vector<std::string> BrowserProblems(const std::string& page, const std::string& png,
                                         const std::string& dom_path) {
  std::vector<std::string> problems;
  std::remove(png.c_str());
  const auto shot = Chromium("--screenshot=" + png, page);
  if (shot.exit_code != 0) {
    problems.push_back("chromium --screenshot exited " + std::to_string(shot.exit_code) + ": " +
                       shot.err);
  }
  for (const std::string& line : ConsoleLines(shot.err)) problems.push_back("console: " + line);
  const auto dom = Chromium("--dump-dom", page);
  if (dom.exit_code != 0) {
    problems.push_back("chromium --dump-dom exited " + std::to_string(dom.exit_code));
  }
  for (const std::string& line : ConsoleLines(dom.err)) problems.push_back("console: " + line);
  std::FILE* f = std::fopen(dom_path.c_str(), "w");
  if (f != nullptr) {
    std::fwrite(dom.out.data(), 1, dom.out.size(), f);
    std::fclose(f);
  }
  for (const std::string& m : SectionsWithoutPictures(dom.out)) problems.push_back("dom: " + m);
  const PngStats stats = Decode(png);
  if (!stats.error.empty()) {
    problems.push_back("screenshot: " + stats.error);
  } else {
    if (stats.width != kWidth || stats.height != kHeight) {
      problems.push_back("screenshot: " + std::to_string(stats.width) + "x" +
                         std::to_string(stats.height));
    }
    if (stats.variance < kMinVariance) {
      problems.push_back("screenshot: blank (luminance variance " + std::to_string(stats.variance) +
                         ")");
    }
  }
  return problems;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

class HtmlReportBrowserTest : public ::testing::Test {
 protected:
  // The server, the demo data through the real upload path, and the page and SVG files drawn by
  // the real client: once, for both tests.
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("html_browser_e2e", /*migrate=*/false).release();
    dir_ = new testing::TempDir();
    setup_error_ = new std::string();
    report_out_ = new std::string();
    const std::string secret = dir_->Write("secret", std::string(kSecret) + "\n");
    server_ = new testing::ServerProcess(
        {"--db-url", db_->service_url(), "--migrate", "auto", "--jwt-hs256-secret-file", secret},
        dir_->path() + "/server.log");
    if (!server_->serving()) {
      *setup_error_ =
          "the server did not start: " + testing::ReadFile(dir_->path() + "/server.log");
      return;
    }
    // The demo data, exactly as scripts/run makes and loads it.
    const std::string demo = dir_->path() + "/demo";
    std::filesystem::create_directories(demo);
    const auto gen = testing::RunCommand({testing::BinaryPath("bench/teams-datagen"), "--partner",
                                          kPartner, "--customers", "60", "--months", "13",
                                          "--end-date", "2026-10-31", "--out-dir", demo});
    if (gen.exit_code != 0) {
      *setup_error_ = "teams-datagen: " + gen.err;
      return;
    }
    const std::string client = testing::BinaryPath("client/teams-report");
    const std::string ingest = Token({"DATA_INGESTOR"});
    for (const auto& [dataset, file] : std::vector<std::pair<std::string, std::string>>{
             {"meetings-and-calls", "TeamsUsageMeetingsAndCalls.csv"},
             {"workload", "TeamsUsageWorkload.csv"},
             {"third-party-apps", "TeamsUsage3PApps.csv"}}) {
      const auto up =
          testing::RunCommand({client, "--server", server_->address(), "--token", ingest, "upload",
                               "--quiet", "--dataset", dataset, demo + "/" + file});
      if (up.exit_code != 0) {
        *setup_error_ = "upload " + dataset + ": " + up.err;
        return;
      }
    }
    const auto report =
        testing::RunCommand({client, "--server", server_->address(), "--token",
                             Token({"REPORT_VIEWER", "EXECUTIVE_REPORT_VIEWER"}), "report",
                             "--range", "12m", "--html", PagePath(), "--svg-dir", SvgDir()});
    if (report.exit_code != 0) *setup_error_ = "teams-report report --html: " + report.err;
    *report_out_ = report.out;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete report_out_;
    delete setup_error_;
    delete dir_;
    delete db_;
  }
  void SetUp() override {
    ASSERT_EQ(access(kChromium, X_OK), 0)
        << kChromium << " is missing: scripts/bootstrap installs Debian's chromium";
    ASSERT_THAT(*setup_error_, IsEmpty());
  }
  static std::string PagePath() { return ArtifactDir() + "/report.html"; }
  static std::string SvgDir() { return ArtifactDir() + "/report-svg"; }

  static testing::TestDatabase* db_;
  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
  static std::string* setup_error_;
  static std::string* report_out_;
};
testing::TestDatabase* HtmlReportBrowserTest::db_ = nullptr;
testing::TempDir* HtmlReportBrowserTest::dir_ = nullptr;
testing::ServerProcess* HtmlReportBrowserTest::server_ = nullptr;
std::string* HtmlReportBrowserTest::setup_error_ = nullptr;
std::string* HtmlReportBrowserTest::report_out_ = nullptr;

TEST_F(HtmlReportBrowserTest, TheDemoReportRendersInTheBrowser) {
  const std::string page = PagePath();
  const std::string svg_dir = SvgDir();
  EXPECT_THAT(*report_out_, HasSubstr("wrote " + page + " ("));
  EXPECT_THAT(*report_out_, HasSubstr("wrote 5 SVG files to " + svg_dir));
  const std::string html = testing::ReadFile(page);
  EXPECT_THAT(html, HasSubstr("<dd>2025-11-01 – 2026-10-31 (last 12 months)</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>Data as of</dt><dd>2026-10-31</dd>"));
  for (const char* name : client::kHtmlReportSections) {
    const std::string svg = testing::ReadFile(svg_dir + "/" + name + ".svg");
    EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\"")) << name;
  }

  const std::string artifacts = ArtifactDir();
  const std::string png = artifacts + "/report.png";
  EXPECT_THAT(BrowserProblems(page, png, artifacts + "/report.dom.html"), IsEmpty());
  const PngStats stats = Decode(png);
  std::cout << "screenshot of the demo report: " << png << " (" << stats.width << "x"
            << stats.height << ", luminance variance " << stats.variance << ")\n";

  // A standalone SVG opens in the browser on its own too, without console messages.
  const std::string svg_png = artifacts + "/usage-by-workloads.png";
  const auto svg_shot = Chromium("--screenshot=" + svg_png, svg_dir + "/usage-by-workloads.svg");
  EXPECT_EQ(svg_shot.exit_code, 0);
  EXPECT_THAT(ConsoleLines(svg_shot.err), IsEmpty());
  EXPECT_GT(Decode(svg_png).variance, kMinVariance);
}

TEST_F(HtmlReportBrowserTest, BadOutputPathsAreUsageErrorsOrWriteErrors) {
  const std::string client = testing::BinaryPath("client/teams-report");
  const std::string viewer = Token({"REPORT_VIEWER"});
  const auto run = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {client,    "--server", server_->address(),
                                     "--token", viewer,     "report"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  };
  const auto no_dir = run({"--html", dir_->path() + "/missing/report.html"});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("teams-report: usage: --html " + dir_->path() +
                                    "/missing/report.html: no directory"));
  const auto is_dir = run({"--html", dir_->path()});
  EXPECT_EQ(is_dir.exit_code, 2);
  EXPECT_THAT(is_dir.err, HasSubstr("is a directory"));
  const std::string file = dir_->Write("not-a-dir", "x");
  const auto svg_file = run({"--svg-dir", file});
  EXPECT_EQ(svg_file.exit_code, 2);
  EXPECT_THAT(svg_file.err, HasSubstr("--svg-dir " + file + " is not a directory"));
  EXPECT_EQ(run({"--html", ""}).exit_code, 2);
  // A directory it may not write to (root may write anywhere: a file in /proc stands in).
  const auto unwritable = run({"--svg-dir", "/proc/self/teams-report-svg"});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_THAT(unwritable.err, HasSubstr("teams-report: cannot create /proc/self/teams-report-svg"));
  // Without the flags, the printed report is unchanged.
  const auto table = run({"--range", "12m"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("Top customers by meetings"));
}

// The checks can fail: each bad page is caught by the check meant for it.
TEST_F(HtmlReportBrowserTest, TheChecksFailOnBadPages) {
  const std::string artifacts = ArtifactDir();
  const std::string csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
                          std::string(client::kHtmlReportCsp) + "\">";

  // An external asset on an otherwise good page: the CSP blocks it (nothing goes out) and the
  // browser says so on the console.
  std::string with_asset = testing::ReadFile(PagePath());
  ASSERT_NE(with_asset.find("<main>"), std::string::npos);
  with_asset.replace(with_asset.find("<main>"), 6,
                     "<main><img src=\"https://example.invalid/logo.png\" alt=\"\">");
  const std::string asset_page = dir_->Write("asset.html", with_asset);
  const auto asset_problems =
      BrowserProblems(asset_page, artifacts + "/bad-asset.png", artifacts + "/bad-asset.dom.html");
  // Only the console check fails (on both runs, the screenshot and the DOM dump).
  ASSERT_FALSE(asset_problems.empty());
  for (const std::string& problem : asset_problems) {
    EXPECT_THAT(problem, HasSubstr("console: "));
    EXPECT_THAT(problem, HasSubstr("https://example.invalid/logo.png"));
    EXPECT_THAT(problem, HasSubstr("Content Security Policy"));
  }

  // A blank page with a stylesheet from outside: console, every section missing, blank picture.
  const std::string blank_page = dir_->Write(
      "blank.html", "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + csp +
                        "<link rel=\"stylesheet\" href=\"https://example.invalid/x.css\">"
                        "</head><body><section id=\"summary\"><svg></svg></section></body></html>");
  const std::string problems = Joined(
      BrowserProblems(blank_page, artifacts + "/bad-blank.png", artifacts + "/bad-blank.dom.html"));
  EXPECT_THAT(problems, HasSubstr("console: "));
  EXPECT_THAT(problems, HasSubstr("https://example.invalid/x.css"));
  EXPECT_THAT(problems, HasSubstr("dom: summary: an svg without shapes"));
  EXPECT_THAT(problems, HasSubstr("dom: top-apps: no section"));
  EXPECT_THAT(problems, HasSubstr("screenshot: blank (luminance variance 0.0"));
}

}  // namespace
}  // namespace teams_usage
