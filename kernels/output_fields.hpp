// The output schema registry, device part: every axis, count section and trajectory field of a run, listed
// ONCE as X-macros (docs/output_schema.md is generated from them). Generated here: OutputLayout's section
// offsets (output_layout.hpp), TrajectoryRow / TrajectoryDyad (what simulate_dyad fills) and the trajectory
// pointers of PointBuffers (backend.hpp). The host registry (host/output_schema.cpp) adds dtypes, the /meta
// axes and the root attributes, and the rest reads it: the CPU and CUDA sinks, RunResult, the HDF5 writer and
// reader, the Python bindings and the Python reader.
//
// Adding a trajectory field is one line in LR_TRAJECTORY_PERIOD_FIELDS or LR_TRAJECTORY_DYAD_FIELDS plus the
// line that fills the record's member (dyad_period.hpp for a row, simulate_dyad.hpp for a dyad's record). Adding a
// count section is one line in LR_COUNT_SECTIONS (per-dyad-period sections first: the CUDA backend keeps them in shared
// memory) plus the kernel code that counts into it.
#pragma once

#include <cstdint>

#include "hd.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

// ---------------------------------------------------------------------------------------------
// Factors whose value at t splits the transitions (the `factor` axis of transitions_by_bin): each firm's trust,
// stakes and orientation, then the dyad's prior related interaction (docs/model.md section 13).
// X(name): the code is the position, the name is what /meta/factors stores.
#define LR_BINNED_FACTORS(X) \
  X(trust_A)                 \
  X(stakes_A)                \
  X(orientation_A)           \
  X(trust_B)                 \
  X(stakes_B)                \
  X(orientation_B)           \
  X(relation)

enum BinnedFactor : int32_t {
#define LR_X(name) kBinned_##name,
  LR_BINNED_FACTORS(LR_X)
#undef LR_X
      kBinnedFactors  // the size of the factor axis: the one constant the layout, the file and Python use
};

/// The binned axis of a firm's factor (Trust, Stakes, Orientation), or of Relation.
LR_HD constexpr int32_t binned_axis(int32_t firm, int32_t factor) {
  return factor == Relation ? int32_t{kBinned_relation} : firm * kFirmFactors + factor;
}
static_assert(binned_axis(FirmA, Trust) == kBinned_trust_A &&
                  binned_axis(FirmB, Orientation) == kBinned_orientation_B &&
                  binned_axis(FirmB, Relation) == kBinned_relation,
              "binned factor codes follow (firm, Factor)");

// Summary moments (axis `moment`), stored as fixed-point sums (value * 2^20 truncated to int64) and sums of squares.
// X(code, name): the enumerator (position = code) and what /meta/moments stores.
#define LR_MOMENTS(X)                    \
  X(MomentAsymmetry, asymmetry)          \
  X(MomentAbsAsymmetry, abs_asymmetry)   \
  X(MomentPowerShift, power_shift)       \
  X(MomentJointLearning, joint_learning) \
  X(MomentGainA, gain_A)                 \
  X(MomentGainB, gain_B)                 \
  X(MomentXA, x_A)                       \
  X(MomentXB, x_B)                       \
  X(MomentFinalTrustA, final_trust_A)    \
  X(MomentFinalTrustB, final_trust_B)
enum Moment : int32_t {
#define LR_X(code, name) code,
  LR_MOMENTS(LR_X)
#undef LR_X
      kMoments
};

// Bargaining power over a dyad's life (Hamel 2a), the power_outcomes section [2][3]: every dyad once per row.
// Row `gained`: who gained bargaining power (A, B, neither); row `reversal`: whether the dependence reversed,
// P_A crossing 1/2 (to A, to B, none).
#define LR_POWER_OUTCOME_ROWS(X) \
  X(gained)                      \
  X(reversal)
#define LR_POWER_OUTCOME_COLUMNS(X) \
  X(A)                              \
  X(B)                              \
  X(neither)
enum PowerOutcomeRow : int32_t {
#define LR_X(name) kPowerRow_##name,
  LR_POWER_OUTCOME_ROWS(LR_X)
#undef LR_X
      kPowerRows
};
enum PowerOutcome : int32_t { PowerToA = 0, PowerToB = 1, PowerNeither = 2, kPowerColumns = 3 };

/// Sizes of the run-dependent axes.
struct OutputShape {
  int64_t points = 0;
  int64_t periods = 0;      // T
  int64_t factor_bins = 0;  // B
  int64_t hist_bins = 0;    // H
  int64_t slots = 0;        // K, trajectory slots
};

// ---------------------------------------------------------------------------------------------
// Axes. X(id, size, labels, doc): `size` is an expression in the OutputShape `s`; `labels` names the /meta
// dataset holding the axis labels by index ("" when the index is the label).
#define LR_OUTPUT_AXES(X)                                                                                           \
  X(point, s.points, "", "sweep point (index into /points)")                                                        \
  X(from_state, kPairStates, "pair_states", "pair state at t (5 * code_A + code_B)")                                \
  X(to_state, kPairStates, "pair_states", "pair state at t + 1")                                                    \
  X(pair_state, kPairStates, "pair_states", "pair state (5 * code_A + code_B)")                                     \
  X(factor, kBinnedFactors, "factors", "a firm's situational factor, or R, whose value at t is binned")             \
  X(bin, s.factor_bins, "",                                                                                         \
    "factor bin: equal width on [0, 1) for trust, stakes, orientation; on [0, relation_bin_max) for relation, the " \
    "last bin open")                                                                                                \
  X(period, s.periods, "", "period t = 0 .. T - 1")                                                                 \
  X(cause, kCauses, "causes", "termination cause")                                                                  \
  X(duration, s.periods + 1, "", "periods lived, 1 .. T (index 0 unused)")                                          \
  X(asymmetry_bin, s.hist_bins, "", "equal-width bin of the range attribute")                                       \
  X(power_shift_bin, s.hist_bins, "", "equal-width bin of the range attribute")                                     \
  X(joint_learning_bin, s.hist_bins, "", "equal-width bin of the range attribute, the last bin open")               \
  X(power_row, kPowerRows, "power_outcome_rows", "gained: who gained bargaining power; reversal: P_A crossed 1/2")  \
  X(power_column, kPowerColumns, "power_outcome_columns", "A, B or neither")                                        \
  X(moment, kMoments, "moments", "summary moment")                                                                  \
  X(statistic, 2, "", "0: fixed-point sum, 1: fixed-point sum of squares")                                          \
  X(slot, s.slots, "", "sampled dyad: dyad id = slot * trajectory_stride")

namespace output_axis {
enum Id : int32_t {
#define LR_X(id, size, labels, doc) id,
  LR_OUTPUT_AXES(LR_X)
#undef LR_X
      kCount
};
}  // namespace output_axis

constexpr int32_t kMaxOutputRank = 6;

/// The axes of one section or field, leading point axis excluded.
struct AxisList {
  int32_t rank;
  int32_t id[kMaxOutputRank];
};
template <class... Ids>
LR_HD constexpr AxisList axis_list(Ids... ids) {
  static_assert(sizeof...(Ids) <= kMaxOutputRank, "raise kMaxOutputRank");
  return AxisList{static_cast<int32_t>(sizeof...(Ids)), {static_cast<int32_t>(ids)...}};
}

LR_HD constexpr int64_t axis_size(int32_t id, const OutputShape& s) {
  switch (id) {
#define LR_X(id, size, labels, doc) \
  case output_axis::id:             \
    return static_cast<int64_t>(size);
    LR_OUTPUT_AXES(LR_X)
#undef LR_X
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Count sections of the flat per-point count array, in layout order.
// X(member, group, name, kind, type, axes, doc): `member` is the OutputLayout offset, group/name the HDF5
// dataset, kind per_dyad_period (counted every live dyad-period; these come first) or per_dyad (once per
// dyad), type the element type (int64 sections are two's-complement values in the uint64 words).
#define LR_COUNT_SECTIONS(X)                                                                                        \
  X(transitions, counts, transitions, per_dyad_period, uint64_t, (from_state, to_state),                            \
    "live dyad-periods by pair state at t (row) and t+1 (column); every dyad-period counted once")                  \
  X(transitions_by_bin, counts, transitions_by_bin, per_dyad_period, uint64_t, (factor, bin, from_state, to_state), \
    "the same split by the bin of each factor at t")                                                                \
  X(occupancy, counts, occupancy, per_dyad_period, uint64_t, (period, pair_state),                                  \
    "live dyads by period and pair state")                                                                          \
  X(duration, outcomes, duration_by_cause, per_dyad, uint64_t, (cause, duration),                                   \
    "dyads by termination cause and duration (periods lived)")                                                      \
  X(hist_asymmetry, outcomes, asymmetry_hist, per_dyad, uint64_t, (asymmetry_bin),                                  \
    "final learning asymmetry on [-1, 1]")                                                                          \
  X(hist_power_shift, outcomes, power_shift_hist, per_dyad, uint64_t, (power_shift_bin),                            \
    "power shift P_A(end) - P_A(0) on [-1, 1]")                                                                     \
  X(hist_joint, outcomes, joint_learning_hist, per_dyad, uint64_t, (joint_learning_bin),                            \
    "joint learning G_A + G_B on [0, joint_max], the last bin open")                                                \
  X(power_outcomes, outcomes, power_outcomes, per_dyad, uint64_t, (power_row, power_column),                        \
    "dyads by who gained bargaining power (row gained) and by reversal of dependence (row reversal)")               \
  X(moments, outcomes, moments, per_dyad, int64_t, (moment, statistic),                                             \
    "fixed-point sum and sum of squares of each moment (value * 2^20, attribute scale)")                            \
  X(dyads, outcomes, dyads_simulated, per_dyad, uint64_t, (), "dyads simulated")

enum class SectionKind : int32_t { per_dyad_period, per_dyad };

enum class Section : int32_t {
#define LR_X(member, group, name, kind, type, axes, doc) member,
  LR_COUNT_SECTIONS(LR_X)
#undef LR_X
      kCount
};

/// The axes of a count section.
LR_HD constexpr AxisList section_axes(Section section) {
  using namespace output_axis;
  switch (section) {
#define LR_X(member, group, name, kind, type, axes, doc) \
  case Section::member:                                  \
    return axis_list axes;
    LR_COUNT_SECTIONS(LR_X)
#undef LR_X
    default:
      return axis_list();
  }
}

/// Elements of one point's block of a section or field with these axes.
LR_HD constexpr uint64_t axis_elements(const AxisList& axes, const OutputShape& s) {
  uint64_t n = 1;
  for (int32_t i = 0; i < axes.rank; ++i) n *= static_cast<uint64_t>(axis_size(axes.id[i], s));
  return n;
}

// ---------------------------------------------------------------------------------------------
// Trajectory fields of the sampled dyads. X(member, name, store, record, fill, doc): `member` names the
// TrajectoryRow / TrajectoryDyad member (type `record`, what simulate_dyad fills), the PointBuffers pointer
// traj_<member> and the host Trajectories array (type `store`, the file's element type); `name` is the
// HDF5 dataset /trajectories/<name>; `fill` is the value of slots and periods never reached.
#define LR_FILL_NAN (__builtin_nanf(""))  // fill values: used by host code only (RunResult)
#define LR_FILL_MAX_U64 (~uint64_t{0})
// Per period of a sampled dyad, [P, K, T]: each firm's factors at the start of the period (what conditions its
// strategy change), x and P after its flows, suspicion after its perception.
#define LR_TRAJECTORY_PERIOD_FIELDS(X)                                                                     \
  X(pair, pair, uint8_t, int32_t, 255, "pair state played in the period (5 * code_A + code_B)")            \
  X(x_a, x_A, float, float, LR_FILL_NAN, "knowledge of B internalised by A, after the period's flows")     \
  X(x_b, x_B, float, float, LR_FILL_NAN, "knowledge of A internalised by B, after the period's flows")     \
  X(trust_a, trust_A, float, float, LR_FILL_NAN, "A's trust at the start of the period")                   \
  X(trust_b, trust_B, float, float, LR_FILL_NAN, "B's trust at the start of the period")                   \
  X(stakes_a, stakes_A, float, float, LR_FILL_NAN, "A's learning stakes at the start of the period")       \
  X(stakes_b, stakes_B, float, float, LR_FILL_NAN, "B's learning stakes at the start of the period")       \
  X(orientation_a, orientation_A, float, float, LR_FILL_NAN, "A's long-term orientation at the start")     \
  X(orientation_b, orientation_B, float, float, LR_FILL_NAN, "B's long-term orientation at the start")     \
  X(relation, relation, float, float, LR_FILL_NAN, "prior related interaction at the start of the period") \
  X(power_a, power_A, float, float, LR_FILL_NAN, "bargaining power of A, after the period's flows")        \
  X(suspicion_a, suspicion_A, float, float, LR_FILL_NAN, "A's suspicion after the period's perception")    \
  X(suspicion_b, suspicion_B, float, float, LR_FILL_NAN, "B's suspicion after the period's perception")

// Per sampled dyad, [P, K].
#define LR_TRAJECTORY_DYAD_FIELDS(X)                                                                             \
  X(dyad, dyad, uint64_t, uint64_t, LR_FILL_MAX_U64, "dyad id")                                                  \
  X(intent_a, intent_A, uint8_t, int32_t, 255, "intent of A at the start (code into /meta/intents)")             \
  X(intent_b, intent_B, uint8_t, int32_t, 255, "intent of B at the start (code into /meta/intents)")             \
  X(knowledge_a, knowledge_A, float, float, LR_FILL_NAN, "unique knowledge U_A at the end (events may move it)") \
  X(knowledge_b, knowledge_B, float, float, LR_FILL_NAN, "unique knowledge U_B at the end")                      \
  X(equity_a, equity_A, float, float, LR_FILL_NAN, "equity share of A")                                          \
  X(cause, cause, uint8_t, int32_t, 255, "termination cause (code into /meta/causes)")                           \
  X(duration, duration, int32_t, int32_t, 0, "periods lived")                                                    \
  X(gain_a, gain_A, float, float, LR_FILL_NAN, "learning gain of A")                                             \
  X(gain_b, gain_B, float, float, LR_FILL_NAN, "learning gain of B")                                             \
  X(power_start, power_A_start, float, float, LR_FILL_NAN, "bargaining power of A at the start, P_A(0)")

/// The type of a record member of type T for a vector of dyads: F for float, I for int32_t (the lockstep SIMD path
/// builds the per-period records of a block of dyads at once).
template <class T, class F, class I>
struct LaneOf {
  using type = T;
};
template <class F, class I>
struct LaneOf<float, F, I> {
  using type = F;
};
template <class F, class I>
struct LaneOf<int32_t, F, I> {
  using type = I;
};

/// Per-period record of a sampled dyad (LR_TRAJECTORY_PERIOD_FIELDS, in that order); F, I: float and int32_t, or
/// vectors of them.
template <class F, class I>
struct TrajectoryRowT {
#define LR_X(member, name, store, record, fill, doc) typename LaneOf<record, F, I>::type member;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
};
using TrajectoryRow = TrajectoryRowT<float, int32_t>;

/// Per-dyad record of a sampled dyad (LR_TRAJECTORY_DYAD_FIELDS, in that order).
struct TrajectoryDyad {
#define LR_X(member, name, store, record, fill, doc) record member;
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
};

}  // namespace learnrace
