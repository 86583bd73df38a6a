// `mpirun -n R learnrace run ...`: one experiment's dyads split across MPI ranks (host/mpi_run.hpp) give the file of a
// single process, for R = 2 and 3 (two cores in CI: --oversubscribe). Built when CMake finds MPI (LEARNRACE_MPI).
#include <cstdlib>
#include <cstring>

#include "cli_test_support.hpp"
#include "h5_run_file.hpp"

namespace {

using cli_test::Cli;
using cli_test::kCli;
using cli_test::kSmoke;

/// mpiexec with the flags a CI container needs: as root (OMPI_ALLOW_RUN_AS_ROOT*) and with more ranks than cores.
int mpirun(int ranks, const std::string& args, const std::string& log) {
  const std::string command =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 " +
      std::string(LEARNRACE_MPIEXEC) + " -n " + std::to_string(ranks) + " --oversubscribe " + kCli + " " + args +
      " > " + log + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Every dataset and attribute of two run files equal, except the wall time (root attribute `seconds`).
void expect_same_run(const std::string& a, const std::string& b) {
  const learnrace::RunFileContents x = learnrace::read_run_contents(a), y = learnrace::read_run_contents(b);
  EXPECT_EQ(x.header.config_toml, y.header.config_toml);
  EXPECT_EQ(x.header.seed, y.header.seed);
  EXPECT_EQ(x.header.backend, y.header.backend);
  EXPECT_EQ(x.header.dyads_per_point, y.header.dyads_per_point);
  EXPECT_EQ(x.header.periods, y.header.periods);
  EXPECT_EQ(x.header.git_describe, y.header.git_describe);
  EXPECT_EQ(x.points.names, y.points.names);
  ASSERT_EQ(x.points.columns.size(), y.points.columns.size());
  for (size_t i = 0; i < x.points.columns.size(); ++i) {
    EXPECT_EQ(x.points.columns[i].key, y.points.columns[i].key);
    for (size_t p = 0; p < x.points.columns[i].values.size(); ++p) {
      const double u = x.points.columns[i].values[p], v = y.points.columns[i].values[p];
      EXPECT_TRUE(u == v || (u != u && v != v)) << x.points.columns[i].key;
    }
  }
  EXPECT_TRUE(x.result.counts == y.result.counts);
  learnrace::for_each_trajectory_field([&](const char* name, auto member, bool) {
    const auto& u = x.result.trajectories.*member;
    const auto& v = y.result.trajectories.*member;
    ASSERT_EQ(u.size(), v.size()) << name;
    EXPECT_EQ(std::memcmp(u.data(), v.data(), u.size() * sizeof(u[0])), 0) << name;  // NaN fills compare by bits
  });
}

TEST_F(Cli, MpiRanksGiveTheSingleProcessFile) {
  const std::string single = work_ + "/single.h5";
  const Result r = run({"run", kSmoke, "-o", single, "--backend", "cpu", "--threads", "1", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (int ranks : {2, 3}) {
    SCOPED_TRACE(ranks);
    const std::string split = work_ + "/ranks" + std::to_string(ranks) + ".h5";
    const int code = mpirun(ranks, "run " + kSmoke + " -o " + split + " --backend cpu --threads 1", dir_ + "/log");
    const std::string log = cli_test::read_file(dir_ + "/log");
    ASSERT_EQ(code, 0) << log;
    // really split: without MPI every rank would run the whole experiment and write the same file
    EXPECT_NE(log.find("(" + std::to_string(ranks) + " MPI ranks)"), std::string::npos) << log;
    expect_same_run(single, split);
  }
}

TEST_F(Cli, MpiConfigErrorStopsEveryRankWithExit2) {
  const std::string bad = write("bad.toml", "[run]\ndyads = 10\n[shocks.trust]\nsigm = 0.2\n");
  const int code = mpirun(2, "run " + bad + " -o " + work_ + "/out.h5 -q", dir_ + "/log");
  const std::string log = cli_test::read_file(dir_ + "/log");
  EXPECT_NE(code, 0) << log;
  EXPECT_NE(log.find("shocks.trust.sigm"), std::string::npos) << log;
  EXPECT_EQ(cli_test::list_dir(work_), std::vector<std::string>{"bad.toml"});
}

}  // namespace
