// Layout of the per-point output: one flat array of 64-bit integer counts (docs/model.md section 13).
// Integer addition is associative, so merged results do not depend on thread count, chunking or
// backend. The sections and their order come from LR_COUNT_SECTIONS (output_fields.hpp): those updated
// every dyad-period first (the CUDA backend keeps them in shared memory), those updated once per dyad after.
#pragma once

#include "output_fields.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

constexpr float kFixedPointScale = 1048576.0f;  // 2^20

/// Word offsets of the count sections (LR_COUNT_SECTIONS, output_fields.hpp) in one point's count array.
struct OutputLayout {
  int32_t periods = 0;
  int32_t factor_bins = 0;
  int32_t hist_bins = 0;
  // Offset (in uint64 words) of each section, e.g. `transitions`, `hist_asymmetry`, `dyads`.
#define LR_X(member, group, name, kind, type, axes, doc) uint64_t member = 0;
  LR_COUNT_SECTIONS(LR_X)
#undef LR_X
  uint64_t period_end = 0;  // end of the per-dyad-period sections
  uint64_t total = 0;

  LR_HD OutputShape shape() const {
    OutputShape s;
    s.points = 1;
    s.periods = periods;
    s.factor_bins = factor_bins;
    s.hist_bins = hist_bins;
    return s;
  }

  LR_HD static OutputLayout make(const ModelParams& p) {
    OutputLayout l;
    l.periods = p.periods;
    l.factor_bins = p.factor_bins;
    l.hist_bins = p.hist_bins;
    const OutputShape s = l.shape();
    uint64_t o = 0;
#define LR_X(member, group, name, kind, type, axes, doc) \
  l.member = o;                                          \
  o += axis_elements(section_axes(Section::member), s);  \
  if (SectionKind::kind == SectionKind::per_dyad_period) l.period_end = o;
    LR_COUNT_SECTIONS(LR_X)
#undef LR_X
    l.total = o;
    return l;
  }

  /// Offset of a section by its Section code.
  LR_HD uint64_t offset(Section section) const {
    switch (section) {
#define LR_X(member, group, name, kind, type, axes, doc) \
  case Section::member:                                  \
    return member;
      LR_COUNT_SECTIONS(LR_X)
#undef LR_X
      default:
        return total;
    }
  }

  LR_HD uint64_t transition_index(int32_t from, int32_t to) const { return transitions + from * kPairStates + to; }
  LR_HD uint64_t binned_index(int32_t factor, int32_t bin, int32_t from, int32_t to) const {
    return transitions_by_bin + (static_cast<uint64_t>(factor * factor_bins + bin) * kPairStates + from) * kPairStates +
           to;
  }
  LR_HD uint64_t occupancy_index(int32_t period, int32_t pair) const {
    return occupancy + static_cast<uint64_t>(period) * kPairStates + pair;
  }
  LR_HD uint64_t duration_index(int32_t cause, int32_t lived) const {
    return duration + static_cast<uint64_t>(cause) * (periods + 1) + lived;
  }
};

/// Bin of a value already scaled to bin units (v n / (hi - lo) for [lo, hi)); outside values land in the end
/// bins, NaN in bin 0. Clamped before the conversion, which is undefined (and differs between the CPU and CUDA) for
/// floats beyond int32. Lane-generic (F: float, or a vector of floats giving a vector of bins).
template <class F>
LR_HD LR_INLINE auto bin_of_scaled(F scaled, int32_t n) {
  const F positive = lr_select(scaled > F(0.0f), scaled, F(0.0f));
  return lr_trunc_int(lr_min(positive, F(static_cast<float>(n - 1))));
}

/// Histogram bin of v on [lo, hi) with n bins; values outside land in the end bins.
LR_HD LR_INLINE int32_t histogram_bin(float v, float lo, float hi, int32_t n) {
  // lr_div_pos: the bin is the same for any hi - lo (a zero numerator lands in bin 0 either way).
  return bin_of_scaled(lr_div_pos(v - lo, hi - lo) * static_cast<float>(n), n);
}

LR_HD LR_INLINE int64_t to_fixed_point(float v) { return static_cast<int64_t>(v * kFixedPointScale); }

}  // namespace learnrace
