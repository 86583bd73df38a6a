// The learnrace executable end to end: exit codes, messages, and that a failed run writes nothing.
#include "cli_test_support.hpp"

namespace {

using cli_test::Cli;
using cli_test::kCli;
using cli_test::kSmoke;
using cli_test::list_dir;
using cli_test::read_file;

TEST_F(Cli, BadConfigExits2NamesTheKeyAndWritesNothing) {
  const std::string bad = write("bad.toml", "[run]\ndyads = 10\n[shocks.trust]\nsigm = 0.2\n");
  const Result r = run({"run", bad, "-o", work_ + "/out.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("shocks.trust.sigm"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'shocks.trust.sigma'"), std::string::npos) << r.err;
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"bad.toml"});  // no output, no temp file
}

TEST_F(Cli, OutOfRangeAndPerPointErrorsExit2) {
  const std::string range = write("range.toml", "[run]\nperiods = 0\n");
  Result r = run({"run", range, "-o", work_ + "/out.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("run.periods"), std::string::npos) << r.err;
  const std::string point = write("point.toml", "[[points]]\nname = \"a\"\n\"run.seed\" = 4\n");
  r = run({"run", point, "-o", work_ + "/out.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("run.seed"), std::string::npos) << r.err;
  EXPECT_EQ(list_dir(work_), (std::vector<std::string>{"point.toml", "range.toml"}));
}

TEST_F(Cli, MissingExperimentExits2) {
  const Result r = run({"run", work_ + "/nope.toml", "-o", work_ + "/out.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nope.toml"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(work_).empty());
}

TEST_F(Cli, NonNumericDyadsExits2) {
  const Result r = run({"run", kSmoke, "-o", work_ + "/out.h5", "--dyads", "abc"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--dyads"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(work_).empty());
}

TEST_F(Cli, MissingOutputDirectoryExits2BeforeSimulating) {
  const Result r = run({"run", kSmoke, "-o", work_ + "/no/such/dir/out.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // the run did not start
}

TEST_F(Cli, UsageErrorsExit2) {
  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"simulate"}).code, 2);
  EXPECT_EQ(run({"run", kSmoke}).code, 2);  // no -o
  EXPECT_EQ(run({"run", kSmoke, "-o", work_ + "/o.h5", "--backend", "tpu"}).code, 2);
  EXPECT_EQ(run({"run", kSmoke, "-o", work_ + "/o.h5", "--seed", "4294967296"}).code, 2);
  const Result info = run({"info", work_ + "/missing.h5"});
  EXPECT_EQ(info.code, 2);
  EXPECT_NE(info.err.find("missing.h5"), std::string::npos);
  const Result not_h5 = run({"info", kSmoke});
  EXPECT_EQ(not_h5.code, 2);
  EXPECT_TRUE(list_dir(work_).empty());
}

TEST_F(Cli, HelpAndVersion) {
  Result r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("learnrace run EXPERIMENT.toml -o"), std::string::npos);
  r = run({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("learnrace ", 0), 0u) << r.out;
}

TEST_F(Cli, RunWritesTheFileAndInfoReadsIt) {
  const std::string out = work_ + "/smoke.h5";
  Result r = run({"run", kSmoke, "-o", out, "--dyads", "40", "--seed", "11", "--threads", "2", "--chunk", "16"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"smoke.h5"});  // temp file renamed away
  EXPECT_NE(r.out.find("wrote " + out), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dyad-periods/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wall time"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("strategic/shocks.trust.sigma=0.3"), std::string::npos) << r.out;

  r = run({"info", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("learnrace-run"), std::string::npos) << r.out;
  // The command-line overrides are part of the stored experiment.
  EXPECT_NE(r.out.find("dyads = 40"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed = 11"), std::string::npos) << r.out;
}

TEST_F(Cli, QuietRunPrintsNothing) {
  const Result r = run({"run", kSmoke, "-o", work_ + "/q.h5", "--dyads", "10", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"q.h5"});
}

TEST_F(Cli, InterruptedRunExits1AndWritesNothing) {
  // Far more work than the test waits for, in small chunks so the cancel flag is seen quickly.
  const pid_t pid = start({"run", kSmoke, "-o", work_ + "/big.h5", "--dyads", "100000000", "--chunk", "200"});
  // The banner is printed after the SIGINT handler is installed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_file(dir_ + "/stdout").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGINT);
  const Result r = wait_for(pid);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("interrupted (SIGINT); nothing written"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(work_).empty());
}

}  // namespace
