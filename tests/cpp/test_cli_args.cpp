// Command-line parsing of the learnrace executable (no process spawned).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "cli_args.hpp"

using namespace learnrace;

namespace {

std::string usage_error_of(const std::vector<std::string>& args) {
  try {
    parse_cli(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(CliArgs, RunWithEveryOption) {
  const CliOptions o = parse_cli({"run", "exp.toml", "-o", "data/x.h5", "--dyads", "500", "--seed=42", "--threads", "3",
                                  "--backend", "auto", "--chunk", "1024", "--quiet"});
  EXPECT_EQ(o.command, CliOptions::Command::Run);
  EXPECT_EQ(o.experiment, "exp.toml");
  EXPECT_EQ(o.output, "data/x.h5");
  EXPECT_EQ(o.overrides.dyads, 500u);
  EXPECT_EQ(o.overrides.seed, 42u);
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.backend, BackendKind::Auto);
  EXPECT_EQ(o.chunk_dyads, 1024u);
  EXPECT_TRUE(o.quiet);
}

TEST(CliArgs, RunDefaults) {
  const CliOptions o = parse_cli({"run", "--output=out.h5", "exp.toml"});
  EXPECT_EQ(o.experiment, "exp.toml");
  EXPECT_EQ(o.output, "out.h5");
  EXPECT_FALSE(o.overrides.dyads.has_value());
  EXPECT_FALSE(o.overrides.seed.has_value());
  EXPECT_EQ(o.backend, BackendKind::Auto);  // the same default as learnrace.run(backend="auto")
  EXPECT_EQ(o.threads, 0);
  EXPECT_EQ(o.chunk_dyads, 0u);
  EXPECT_FALSE(o.quiet);
}

TEST(CliArgs, HelpVersionInfo) {
  EXPECT_EQ(parse_cli({"--help"}).command, CliOptions::Command::Help);
  EXPECT_EQ(parse_cli({"run", "--help"}).command, CliOptions::Command::Help);
  EXPECT_EQ(parse_cli({"--version"}).command, CliOptions::Command::Version);
  const CliOptions info = parse_cli({"info", "f.h5"});
  EXPECT_EQ(info.command, CliOptions::Command::Info);
  EXPECT_EQ(info.file, "f.h5");
  EXPECT_TRUE(contains(usage_text(), "learnrace run EXPERIMENT.toml -o"));
}

TEST(CliArgs, ErrorsNameTheFlag) {
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--dyads", "abc"}), "--dyads: 'abc'"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--dyads", "-5"}), "--dyads"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--dyads", "1e6"}), "--dyads"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--dyads", "0"}), "out of range"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--seed", "4294967296"}), "--seed"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--threads", "two"}), "--threads"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--chunk", "0"}), "--chunk"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--backend", "gpu"}), "--backend: 'gpu'"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--seed"}), "--seed: missing value"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml", "-o", "x.h5", "--fast"}), "unknown option '--fast'"));
  EXPECT_TRUE(contains(usage_error_of({"run", "e.toml"}), "missing -o"));
  EXPECT_TRUE(contains(usage_error_of({"run", "-o", "x.h5"}), "missing the experiment file"));
  EXPECT_TRUE(contains(usage_error_of({"run", "a.toml", "b.toml", "-o", "x.h5"}), "unexpected argument 'b.toml'"));
  EXPECT_TRUE(contains(usage_error_of({"info"}), "exactly one file"));
  EXPECT_TRUE(contains(usage_error_of({"simulate"}), "unknown command 'simulate'"));
  EXPECT_TRUE(contains(usage_error_of({}), "missing command"));
}

TEST(CliOutputPath, RefusesPathsThatCannotBeWritten) {
  char dir_template[] = "/tmp/learnrace_cli_args_XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string experiment = dir + "/e.toml";
  std::ofstream(experiment) << "\n";
  auto error_of = [&](const std::string& output) {
    try {
      check_output_path(output, experiment);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_of(dir + "/out.h5"), "");
  EXPECT_TRUE(contains(error_of(dir + "/missing/out.h5"), "does not exist")) << error_of(dir + "/missing/out.h5");
  EXPECT_TRUE(contains(error_of(dir), "is a directory"));
  EXPECT_TRUE(contains(error_of(experiment), "experiment file itself"));
  EXPECT_TRUE(contains(error_of(experiment + "/out.h5"), "is not a directory"));
  std::remove(experiment.c_str());
  rmdir(dir.c_str());
}
