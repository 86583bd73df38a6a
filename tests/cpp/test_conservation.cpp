// Count conservation (docs/model.md section 13): every live dyad-period lands in exactly one transition
// cell, one cell of each binned axis' table and one occupancy cell; every dyad in exactly one
// duration cell, one bin of each histogram and one cell of each power-outcome row. Trajectories agree with the counts,
// with the duration and cause of the sampled dyads, and with a fresh single-dyad simulation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reference_sink.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

constexpr uint64_t kDyads = 3000;

/// A propositional and a strategic point with every cause possible (hazard on, exploitation withdrawals made
/// likelier by short tolerances and a high "low trust" bar, race won reachable with lambda = 0.3), trajectories
/// for every 7th dyad.
const RunResult& run() {
  static const RunResult r = [] {
    ModelParams a = default_params();
    a.periods = 50;
    a.lambda = 0.3f;
    a.hazard = 0.01f;
    a.exploit_trust = 0.7f;
    for (int32_t& t : a.exploit_tolerance) t = 2;
    a.trajectory_stride = 7;
    a.trajectory_max = 100000;
    ModelParams b = a;
    b.kernel = KernelType::Strategic;
    return test::run_points({a, b}, kDyads);
  }();
  return r;
}

class Conservation : public ::testing::TestWithParam<int32_t> {};

TEST_P(Conservation, TransitionsDurationsAndOccupancyAgree) {
  const test::Counts c = test::counts_of(run(), GetParam());
  const int32_t T = c.l.periods;
  // Sum of transitions == sum_d d * duration[c][d] == sum of occupancy.
  uint64_t dyad_periods = 0, dyads_by_duration = 0;
  for (int32_t cause = 0; cause < kCauses; ++cause) {
    EXPECT_EQ(c.duration(cause, 0), 0u) << "duration 0 is impossible";
    for (int32_t d = 0; d <= T; ++d) {
      dyad_periods += static_cast<uint64_t>(d) * c.duration(cause, d);
      dyads_by_duration += c.duration(cause, d);
    }
  }
  uint64_t occupancy = 0;
  for (int32_t t = 0; t < T; ++t)
    for (int32_t s = 0; s < kPairStates; ++s) occupancy += c.occupancy(t, s);
  EXPECT_EQ(c.total_transitions(), dyad_periods);
  EXPECT_EQ(occupancy, dyad_periods);
  EXPECT_EQ(dyads_by_duration, kDyads);
  EXPECT_EQ(c.dyads(), kDyads);
  // Censored dyads live exactly T periods.
  for (int32_t d = 1; d < T; ++d) EXPECT_EQ(c.duration(Censored, d), 0u) << d;
  // Dyads alive at period t == dyads with duration > t; all alive at t = 0.
  for (int32_t t = 0; t < T; ++t) {
    uint64_t alive = 0, longer = 0;
    for (int32_t s = 0; s < kPairStates; ++s) alive += c.occupancy(t, s);
    for (int32_t cause = 0; cause < kCauses; ++cause)
      for (int32_t d = t + 1; d <= T; ++d) longer += c.duration(cause, d);
    ASSERT_EQ(alive, longer) << "period " << t;
  }
  // Row sums of the transitions are the occupancy summed over periods; every state reached at
  // t + 1 came from a transition at t (column sums >= occupancy at t >= 1), and exactly one
  // transition per dyad (its last) is never realised.
  uint64_t unrealised = 0;
  for (int32_t s = 0; s < kPairStates; ++s) {
    uint64_t occ = 0, later = 0, into = 0;
    for (int32_t t = 0; t < T; ++t) occ += c.occupancy(t, s);
    for (int32_t t = 1; t < T; ++t) later += c.occupancy(t, s);
    for (int32_t from = 0; from < kPairStates; ++from) into += c.transition(from, s);
    EXPECT_EQ(c.row(s), occ) << "pair " << s;
    EXPECT_GE(into, later) << "pair " << s;
    unrealised += into - later;
  }
  EXPECT_EQ(unrealised, kDyads);
}

TEST_P(Conservation, EachBinnedTableSumsToTheUnbinnedOne) {
  const test::Counts c = test::counts_of(run(), GetParam());
  for (int32_t f = 0; f < kBinnedFactors; ++f) {
    uint64_t used_bins = 0;
    for (int32_t b = 0; b < c.l.factor_bins; ++b)
      used_bins += c.binned_row(f, b, pair_index(0, 0)) > 0 || c.binned_row(f, b, pair_index(4, 4)) > 0;
    EXPECT_GE(used_bins, 2u) << "factor " << f << ": bins not exercised";
    for (int32_t from = 0; from < kPairStates; ++from)
      for (int32_t to = 0; to < kPairStates; ++to) {
        uint64_t sum = 0;
        for (int32_t b = 0; b < c.l.factor_bins; ++b) sum += c.binned(f, b, from, to);
        ASSERT_EQ(sum, c.transition(from, to)) << "factor " << f << " cell " << from << "->" << to;
      }
  }
}

TEST_P(Conservation, EachHistogramSumsToTheDyads) {
  const test::Counts c = test::counts_of(run(), GetParam());
  for (uint64_t offset : {c.l.hist_asymmetry, c.l.hist_power_shift, c.l.hist_joint}) {
    uint64_t sum = 0;
    for (int32_t b = 0; b < c.l.hist_bins; ++b) sum += c.c[offset + b];
    EXPECT_EQ(sum, kDyads);
  }
  // Each power-outcome row counts every dyad once; gains are split between the firms.
  for (int32_t row : {kPowerRow_gained, kPowerRow_reversal}) {
    uint64_t sum = 0;
    for (int32_t k = 0; k < kPowerColumns; ++k) sum += c.c[c.l.power_outcomes + row * kPowerColumns + k];
    EXPECT_EQ(sum, kDyads);
  }
  EXPECT_GT(c.c[c.l.power_outcomes + PowerToA], 0u);
  EXPECT_GT(c.c[c.l.power_outcomes + PowerToB], 0u);
}

TEST_P(Conservation, EveryCauseIsRepresented) {
  // With these parameters every cause of docs/model.md section 15 occurs in both points (and in their
  // trajectory samples), so the consistency checks below see them all.
  const test::Counts c = test::counts_of(run(), GetParam());
  int32_t causes_seen = 0;
  for (int32_t cause = 0; cause < kCauses; ++cause) {
    uint64_t n = 0;
    for (int32_t d = 0; d <= c.l.periods; ++d) n += c.duration(cause, d);
    causes_seen += n > 0;
  }
  EXPECT_EQ(causes_seen, kCauses);
}

TEST_P(Conservation, SinkContractPerDyad) {
  // simulate_dyad's documented Sink contract: 9 count_period calls per dyad-period (indices below
  // period_end), 7 count_end calls per dyad (at or above period_end, never a moment), one
  // add_moments; trajectory calls only for sampled dyads, one row per period lived.
  const int32_t point = GetParam();
  ModelParams p = run().params[point];
  p.point_key = static_cast<uint32_t>(point);
  const OutputLayout& l = run().layout;
  test::ReferenceSink sink;
  for (uint64_t d = 0; d < 500; ++d) {
    sink.clear();
    simulate_dyad(p, l, d, sink);
    ASSERT_EQ(sink.end_indices.size(), 7u);
    ASSERT_EQ(sink.moments_calls, 1);
    const uint64_t duration_cell = sink.end_indices[0] - l.duration;
    ASSERT_LT(sink.end_indices[0], l.hist_asymmetry);
    const int32_t duration = static_cast<int32_t>(duration_cell % (l.periods + 1));
    ASSERT_EQ(sink.period_indices.size(), 9u * duration) << "dyad " << d;
    for (uint64_t i : sink.period_indices) ASSERT_LT(i, l.period_end);
    for (uint64_t i : sink.end_indices) {
      ASSERT_GE(i, l.period_end);
      ASSERT_TRUE(i < l.moments || i == l.dyads);
    }
    const bool sampled = d % p.trajectory_stride == 0;
    ASSERT_EQ(sink.rows.size(), sampled ? static_cast<size_t>(duration) : 0u);
    ASSERT_EQ(sink.dyad_records.size(), sampled ? 1u : 0u);
  }
}

TEST_P(Conservation, TrajectoriesMatchASingleDyadSimulation) {
  // Each sampled dyad, simulated again on its own, writes exactly the stored rows (bitwise).
  const int32_t point = GetParam();
  const TrajectoryView tr = run().trajectories.point(point);
  ModelParams p = run().params[point];
  p.point_key = static_cast<uint32_t>(point);
  ASSERT_EQ(tr.slots, static_cast<int32_t>((kDyads + 6) / 7));
  test::ReferenceSink sink;
  for (int32_t slot = 0; slot < tr.slots; ++slot) {
    const uint64_t dyad = static_cast<uint64_t>(slot) * p.trajectory_stride;
    ASSERT_EQ(tr.dyad[slot], dyad);
    sink.clear();
    simulate_dyad(p, run().layout, dyad, sink);
    ASSERT_EQ(sink.dyad_records.size(), 1u);
    const TrajectoryDyad& rec = sink.dyad_records[0];
    ASSERT_EQ(sink.dyad_slots[0], static_cast<uint32_t>(slot));
    EXPECT_EQ(tr.duration[slot], rec.duration);
    EXPECT_EQ(tr.cause[slot], rec.cause);
    EXPECT_EQ(tr.intent_a[slot], rec.intent_a);
    EXPECT_EQ(tr.intent_b[slot], rec.intent_b);
    EXPECT_EQ(float_bits(tr.gain_a[slot]), float_bits(rec.gain_a));
    EXPECT_EQ(float_bits(tr.gain_b[slot]), float_bits(rec.gain_b));
    EXPECT_EQ(float_bits(tr.knowledge_a[slot]), float_bits(rec.knowledge_a));
    EXPECT_EQ(float_bits(tr.equity_a[slot]), float_bits(rec.equity_a));
    EXPECT_EQ(float_bits(tr.power_start[slot]), float_bits(rec.power_start));
    ASSERT_EQ(sink.rows.size(), static_cast<size_t>(rec.duration));
    for (int32_t t = 0; t < rec.duration; ++t) {
      const size_t i = static_cast<size_t>(slot) * tr.periods + t;
      const TrajectoryRow& row = sink.rows[t];
      ASSERT_EQ(sink.row_periods[t], t);
      // Every per-period field of the registry, as stored (the store type of the file) and as simulated.
#define LR_X(member, name, store, record, fill, doc) \
  ASSERT_EQ(tr.member[i], static_cast<store>(row.member)) << #name << " slot " << slot << " t " << t;
      LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
    }
  }
}

TEST_P(Conservation, TrajectoriesConsistentWithDurationAndCause) {
  const int32_t point = GetParam();
  const RunResult& r = run();
  const TrajectoryView tr = r.trajectories.point(point);
  const ModelParams& p = r.params[point];
  const test::Counts c = test::counts_of(r, point);
  const int32_t T = tr.periods;
  std::vector<uint64_t> sampled_cells(static_cast<size_t>(kCauses) * (T + 1), 0);
  for (int32_t slot = 0; slot < tr.slots; ++slot) {
    const int32_t D = tr.duration[slot];
    const int32_t cause = tr.cause[slot];
    ASSERT_GE(D, 1);
    ASSERT_LE(D, T);
    ASSERT_LT(cause, kCauses);
    ++sampled_cells[static_cast<size_t>(cause) * (T + 1) + D];
    auto at = [&](int32_t t) { return static_cast<size_t>(slot) * T + t; };
    // Rows written while alive, untouched after (pair 255, NaN).
    for (int32_t t = 0; t < T; ++t) {
      if (t < D) {
        ASSERT_LT(tr.pair[at(t)], kPairStates) << "slot " << slot << " t " << t;
        ASSERT_TRUE(std::isfinite(tr.x_a[at(t)]) && std::isfinite(tr.power_a[at(t)]));
      } else {
        ASSERT_EQ(tr.pair[at(t)], 255) << "slot " << slot << " t " << t;
        ASSERT_TRUE(std::isnan(tr.x_a[at(t)]));
      }
    }
    // Consecutive sampled pair states are transitions the counts contain.
    for (int32_t t = 0; t + 1 < D; ++t) ASSERT_GT(c.transition(tr.pair[at(t)], tr.pair[at(t + 1)]), 0u);
    // The cause is visible in the rows, and no earlier period met a condition that would have ended it.
    const int32_t last = D - 1;
    const bool internal_a = tr.intent_a[slot] == Internalization, internal_b = tr.intent_b[slot] == Internalization;
    // Model v3: out-learned the partner and gained power since the start (docs/model.md section 15).
    const float power_start = tr.power_start[slot];
    auto race_a = [&](int32_t t) {
      return internal_a && tr.x_a[at(t)] >= p.exit_knowledge && tr.x_a[at(t)] > tr.x_b[at(t)] &&
             tr.power_a[at(t)] - power_start >= p.exit_power_gain;
    };
    auto race_b = [&](int32_t t) {
      return internal_b && tr.x_b[at(t)] >= p.exit_knowledge && tr.x_b[at(t)] > tr.x_a[at(t)] &&
             power_start - tr.power_a[at(t)] >= p.exit_power_gain;
    };
    int32_t avoid_run = 0;
    for (int32_t t = 0; t < last; ++t) {
      avoid_run = tr.pair[at(t)] == pair_index(Avoidance, Avoidance) ? avoid_run + 1 : 0;
      ASSERT_LT(avoid_run, p.avoid_periods) << "slot " << slot << " should have disintegrated at " << t;
      ASSERT_FALSE(race_a(t) || race_b(t)) << "slot " << slot << " race won unnoticed at " << t;
    }
    switch (cause) {
      case Censored:
        EXPECT_EQ(D, T);
        break;
      case Disintegration:
        ASSERT_GE(D, p.avoid_periods);
        for (int32_t t = D - p.avoid_periods; t < D; ++t) EXPECT_EQ(tr.pair[at(t)], pair_index(Avoidance, Avoidance));
        break;
      case RaceWonByA:
        EXPECT_TRUE(race_a(last)) << "slot " << slot;
        break;
      case RaceWonByB:
        EXPECT_TRUE(race_b(last) && !race_a(last)) << "slot " << slot;
        break;
      default:
        EXPECT_FALSE(race_a(last) || race_b(last)) << "slot " << slot;
        break;
    }
    // G_f = x_f U_partner + y_f with y_f >= 0.
    EXPECT_GE(tr.gain_a[slot], tr.x_a[at(last)] * tr.knowledge_b[slot]);
    EXPECT_GE(tr.gain_b[slot], tr.x_b[at(last)] * tr.knowledge_a[slot]);
  }
  // The sampled dyads are a subset of all dyads, cell by cell of the duration histogram.
  for (int32_t cause = 0; cause < kCauses; ++cause)
    for (int32_t d = 0; d <= T; ++d)
      EXPECT_LE(sampled_cells[static_cast<size_t>(cause) * (T + 1) + d], c.duration(cause, d));
}

TEST_P(Conservation, ExploitationVisibleInTheRecordedSuspicion) {
  // A giver withdraws exactly when its suspicion has been above the detection threshold, with trust below
  // exploit_trust, in each of its last tolerance[intent] periods (and in no earlier run that long): checked on the
  // per-period records of every sampled dyad, re-simulated with the reference sink.
  const int32_t point = GetParam();
  const RunResult& r = run();
  const TrajectoryView tr = r.trajectories.point(point);
  ModelParams p = r.params[point];
  p.point_key = static_cast<uint32_t>(point);
  test::ReferenceSink sink;
  int32_t exploited = 0;
  for (int32_t slot = 0; slot < tr.slots; ++slot) {
    sink.clear();
    simulate_dyad(p, r.layout, static_cast<uint64_t>(slot) * p.trajectory_stride, sink);
    const TrajectoryDyad& rec = sink.dyad_records.at(0);
    const int32_t D = rec.duration;
    int32_t run_a = 0, run_b = 0;
    for (int32_t t = 0; t < D; ++t) {
      const TrajectoryRow& row = sink.rows[t];
      run_a = row.suspicion_a > p.detect_threshold && row.trust_a < p.exploit_trust ? run_a + 1 : 0;
      run_b = row.suspicion_b > p.detect_threshold && row.trust_b < p.exploit_trust ? run_b + 1 : 0;
      // Intents can change only through events, and this point has none.
      const bool a_out = run_a >= p.exploit_tolerance[rec.intent_a], b_out = run_b >= p.exploit_tolerance[rec.intent_b];
      if (t + 1 < D) {
        ASSERT_FALSE(a_out || b_out) << "slot " << slot << " t " << t;
      } else if (rec.cause == ExploitedAWithdraws) {
        EXPECT_TRUE(a_out) << "slot " << slot;
      } else if (rec.cause == ExploitedBWithdraws) {
        EXPECT_TRUE(b_out && !a_out) << "slot " << slot;
      }
    }
    exploited += rec.cause == ExploitedAWithdraws || rec.cause == ExploitedBWithdraws;
  }
  EXPECT_GT(exploited, 0) << "no exploited dyad in the sample: the check is vacuous";
}

INSTANTIATE_TEST_SUITE_P(BothKernels, Conservation, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int32_t>& info) {
                           return info.param == 0 ? std::string("Propositional") : std::string("Strategic");
                         });

}  // namespace
}  // namespace learnrace
