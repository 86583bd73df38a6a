// The five learning strategies of Larsson et al. (1998, Fig. 1) and the 25 ordered pair states.
#pragma once

#include "hd.hpp"

namespace learnrace {

// Codes are part of the file format (pair index = 5 * A + B): never renumber.
enum Strategy : int32_t {
  Avoidance = 0,      // AVO: low transparency, low receptivity
  Accommodation = 1,  // ACC: high transparency, low receptivity
  Compromise = 2,     // CPR: moderate, moderate
  Competition = 3,    // CPT: low transparency, high receptivity
  Collaboration = 4,  // COL: high transparency, high receptivity
};
constexpr int32_t kStrategies = 5;
constexpr int32_t kPairStates = kStrategies * kStrategies;

// The functions of strategy codes below are lane-generic (hd.hpp's lane primitives): I is int32_t for one dyad, or a
// CPU SIMD vector of them (kernels/cpu_simd/lanes.hpp), one dyad per lane; selects where a branch would be.

// A strategy code argument may be a Strategy as well: the codes are computed as int32_t (I below).

// Level indices into ModelParams::level (0 = Low, 1 = Moderate, 2 = High).
template <class S>
LR_HD LR_INLINE auto transparency_level(S s) {
  using I = decltype(s + 0);
  // Larsson Fig. 1: AVO L, ACC H, CPR M, CPT L, COL H
  return lr_select((s == Accommodation) | (s == Collaboration), I(2), lr_select(s == Compromise, I(1), I(0)));
}
template <class S>
LR_HD LR_INLINE auto receptivity_level(S s) {
  using I = decltype(s + 0);
  // Larsson Fig. 1: AVO L, ACC L, CPR M, CPT H, COL H
  return lr_select((s == Competition) | (s == Collaboration), I(2), lr_select(s == Compromise, I(1), I(0)));
}
template <class S>
LR_HD LR_INLINE auto pair_index(S a, S b) {
  return a * kStrategies + b;
}

/// The counter-move of a firm that has detected exploitation: it cuts its transparency to Low ("the
/// "suckered" organization will counter rapidly by also adopting a competitive strategy to halt the knowledge
/// "hemorrhage"" [002:241]). Collaboration and Compromise -> Competition (receptive, nontransparent; for
/// Compromise "a competitive response of reducing its disclosure" [002:241]); Accommodation -> Avoidance
/// (it asserts no receptivity to keep); Competition and Avoidance are already nontransparent.
template <class S>
LR_HD LR_INLINE auto cut_transparency(S s) {
  using I = decltype(s + 0);
  return lr_select((s == Collaboration) | (s == Compromise), I(Competition),
                   lr_select(s == Accommodation, I(Avoidance), I(s)));
}

/// Full names (index = Strategy code). Short codes AVO/ACC/CPR/CPT/COL are for tables only.
inline const char* strategy_name(int32_t s) {
  static const char* const names[kStrategies] = {"Avoidance", "Accommodation", "Compromise", "Competition",
                                                 "Collaboration"};
  return (s >= 0 && s < kStrategies) ? names[s] : "?";
}
inline const char* strategy_code(int32_t s) {
  static const char* const codes[kStrategies] = {"AVO", "ACC", "CPR", "CPT", "COL"};
  return (s >= 0 && s < kStrategies) ? codes[s] : "?";
}

}  // namespace learnrace
