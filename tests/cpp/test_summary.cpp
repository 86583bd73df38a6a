// Headline numbers (host/summary) on hand-built counts whose answers are worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "summary.hpp"

using namespace learnrace;

namespace {

// T = 10 periods, 2 factor bins, 4 histogram bins: a layout small enough to fill by hand.
OutputLayout small_layout() {
  ModelParams p;
  p.periods = 10;
  p.factor_bins = 2;
  p.hist_bins = 4;
  return OutputLayout::make(p);
}

struct Counts {
  OutputLayout layout = small_layout();
  std::vector<uint64_t> words = std::vector<uint64_t>(layout.total, 0);

  // `n` dyads ended by `cause` after `duration` periods.
  void end(Cause cause, int32_t duration, uint64_t n) {
    words[layout.duration_index(cause, duration)] += n;
    words[layout.dyads] += n;
  }
  void moment_sum(Moment m, double value) {
    words[layout.moments + 2 * m] = static_cast<uint64_t>(static_cast<int64_t>(value * kFixedPointScale));
  }
  MedianDuration median() const { return median_duration(layout, words.data()); }
};

TEST(Summary, HeadlinesOfTenHandBuiltDyads) {
  Counts c;
  c.end(Disintegration, 2, 3);
  c.end(RaceWonByA, 5, 2);
  c.end(ExogenousHazard, 5, 1);
  c.end(Censored, 10, 4);
  c.moment_sum(MomentAbsAsymmetry, 3.5);  // 10 dyads: mean 0.35
  c.moment_sum(MomentPowerShift, -1.25);  // negative sums are int64 in uint64 words: mean -0.125
  const PointHeadline h = point_headline(c.layout, c.words.data(), "p0");

  EXPECT_EQ(h.name, "p0");
  EXPECT_EQ(h.dyads, 10u);
  EXPECT_EQ(h.dyad_periods, 3u * 2 + 2 * 5 + 1 * 5 + 4 * 10);  // 61
  EXPECT_DOUBLE_EQ(h.share[Censored], 0.4);
  EXPECT_DOUBLE_EQ(h.share[Disintegration], 0.3);
  EXPECT_DOUBLE_EQ(h.share[RaceWonByA], 0.2);
  EXPECT_DOUBLE_EQ(h.share[RaceWonByB], 0.0);
  EXPECT_DOUBLE_EQ(h.share[ExploitedAWithdraws], 0.0);
  EXPECT_DOUBLE_EQ(h.share[ExploitedBWithdraws], 0.0);
  EXPECT_DOUBLE_EQ(h.share[ExogenousHazard], 0.1);
  EXPECT_DOUBLE_EQ(h.dissolved, 0.6);
  // Sorted: 2 2 2 5 5 5 10 10 10 10 -> (x5 + x6) / 2 = 5, both ended (not censored).
  EXPECT_DOUBLE_EQ(h.median.value, 5.0);
  EXPECT_FALSE(h.median.censored);
  EXPECT_DOUBLE_EQ(h.mean_abs_asymmetry, 0.35);
  EXPECT_DOUBLE_EQ(h.mean_power_shift, -0.125);
}

TEST(Summary, MedianOfAnEvenCountIsTheMidpoint) {
  Counts c;
  c.end(Disintegration, 3, 1);
  c.end(ExploitedBWithdraws, 4, 1);
  EXPECT_DOUBLE_EQ(c.median().value, 3.5);
  EXPECT_FALSE(c.median().censored);
}

TEST(Summary, MedianOfAnOddCountIsTheMiddleValue) {
  Counts c;
  c.end(Disintegration, 1, 1);
  c.end(ExogenousHazard, 7, 1);
  c.end(RaceWonByB, 9, 1);
  EXPECT_DOUBLE_EQ(c.median().value, 7.0);
}

TEST(Summary, MedianBeyondTheHorizonIsFlagged) {
  // Sorted: 3 10c 10c -> the middle dyad is still allied at T = 10: the median is > 10.
  Counts c;
  c.end(Disintegration, 3, 1);
  c.end(Censored, 10, 2);
  EXPECT_DOUBLE_EQ(c.median().value, 10.0);
  EXPECT_TRUE(c.median().censored);
  // Sorted: 3 3 10c 10c -> the midpoint uses a censored value: flagged, lower bound 6.5.
  Counts d;
  d.end(Disintegration, 3, 2);
  d.end(Censored, 10, 2);
  EXPECT_DOUBLE_EQ(d.median().value, 6.5);
  EXPECT_TRUE(d.median().censored);
}

TEST(Summary, EndingAtTheHorizonSortsBeforeCensoring) {
  // Sorted: 2, 10 (hazard in the last period), 10c -> the median dyad ended at 10: exact, not censored.
  Counts c;
  c.end(Disintegration, 2, 1);
  c.end(ExogenousHazard, 10, 1);
  c.end(Censored, 10, 1);
  EXPECT_DOUBLE_EQ(c.median().value, 10.0);
  EXPECT_FALSE(c.median().censored);
}

TEST(Summary, NoDyadsGiveNaNNotZero) {
  Counts c;
  const PointHeadline h = point_headline(c.layout, c.words.data(), "empty");
  EXPECT_TRUE(std::isnan(h.median.value));
  EXPECT_TRUE(std::isnan(h.share[Censored]));
  EXPECT_TRUE(std::isnan(h.mean_abs_asymmetry));
  EXPECT_EQ(h.dyad_periods, 0u);
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Position just past each whitespace-separated token.
std::vector<size_t> token_ends(const std::string& line) {
  std::vector<size_t> ends;
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] != ' ' && (i + 1 == line.size() || line[i + 1] == ' ')) ends.push_back(i + 1);
  return ends;
}

TEST(Summary, PrintedTableHasOneAlignedRowPerPoint) {
  Counts a;
  a.end(Disintegration, 2, 3);
  a.end(RaceWonByA, 5, 2);
  a.end(ExogenousHazard, 5, 1);
  a.end(Censored, 10, 4);
  a.moment_sum(MomentAbsAsymmetry, 3.5);
  a.moment_sum(MomentPowerShift, -1.25);
  Counts b;
  b.end(Disintegration, 3, 1);
  b.end(Censored, 10, 2);
  RunResult r;
  r.layout = a.layout;
  r.point_names = {"propositional", "b"};
  r.n_points = 2;
  r.counts = a.words;
  r.counts.insert(r.counts.end(), b.words.begin(), b.words.end());

  std::ostringstream out;
  print_headlines(r, out);
  std::istringstream in(out.str());
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 3u) << out.str();
  EXPECT_EQ(split(lines[0])[0], "point");
  EXPECT_EQ(split(lines[1]), (std::vector<std::string>{"propositional", "10", "61", "40.0%", "30.0%", "20.0%", "0.0%",
                                                       "0.0%", "0.0%", "10.0%", "5", "0.3500", "-0.1250"}));
  EXPECT_EQ(split(lines[2]), (std::vector<std::string>{"b", "3", "23", "66.7%", "33.3%", "0.0%", "0.0%", "0.0%", "0.0%",
                                                       "0.0%", ">10", "0.0000", "0.0000"}));
  // Right-aligned numeric columns: header and rows end at the same column.
  EXPECT_EQ(lines[0].size(), lines[1].size());
  EXPECT_EQ(lines[1].size(), lines[2].size());
  const std::vector<size_t> ends1 = token_ends(lines[1]), ends2 = token_ends(lines[2]);
  ASSERT_EQ(ends1.size(), ends2.size());
  for (size_t j = 1; j < ends1.size(); ++j) EXPECT_EQ(ends1[j], ends2[j]) << "column " << j << "\n" << out.str();
}

TEST(Summary, HeadlinesRejectCountsOfTheWrongSize) {
  RunResult r;
  r.layout = small_layout();
  r.n_points = 1;
  r.counts.assign(r.layout.total - 1, 0);
  EXPECT_THROW(headlines(r), std::invalid_argument);
}

}  // namespace
