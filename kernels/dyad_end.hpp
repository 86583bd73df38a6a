// The end of a dyad (docs/model.md section 16): its learning gains and asymmetry, power outcomes, the per-dyad counts
// and moments, and the record of a sampled dyad.
#pragma once

#include "distributions.hpp"
#include "dyad_state.hpp"
#include "fastmath.hpp"
#include "learning.hpp"
#include "output_fields.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "point_constants.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"

namespace learnrace {

/// G_f = x_f U_partner + y_f.
LR_HD LR_INLINE float learning_gain(float x, float partner_knowledge, float created) {
  return x * partner_knowledge + created;
}

/// a = (G_A - G_B) / (G_A + G_B) in [-1, 1]; 0 when neither learned.
LR_HD LR_INLINE float learning_asymmetry(float gain_a, float gain_b) {
  const float total = gain_a + gain_b;
  return total > 0.0f ? lr_div_pos(gain_a - gain_b, total) : 0.0f;
}

/// What the per-dyad outcomes need from a finished dyad (the CUDA backend queues these).
struct DyadEnd {
  float gain_a, gain_b;
  float power_start, power_end;
  float x_a, x_b;
  float z_trust_a, z_trust_b;
  int32_t cause, duration;
};

/// The end of the dyad in state s. Its bargaining power at the end is that of its last period's flows: computed
/// again from the state, which has not changed since.
LR_HD LR_INLINE DyadEnd dyad_end(const ModelParams& p, const DyadState& s, int32_t cause, int32_t duration) {
  DyadEnd e;
  e.gain_a = learning_gain(s.a.x, s.b.knowledge, s.a.y);
  e.gain_b = learning_gain(s.b.x, s.a.knowledge, s.b.y);
  e.power_start = s.power_start;
  e.power_end = bargaining_power_a(p, s.a.x, s.b.x, s.a.knowledge, s.b.knowledge, s.equity_a);
  e.x_a = s.a.x;
  e.x_b = s.b.x;
  e.z_trust_a = s.a.z[Trust];
  e.z_trust_b = s.b.z[Trust];
  e.cause = cause;
  e.duration = duration;
  return e;
}

/// Per-dyad outcome counts and moments.
template <class Sink>
LR_HD LR_INLINE void dyad_outcomes(const ModelParams& p, const OutputLayout& lay, const DyadEnd& e, Sink& sink) {
  const float trust_a = lr_sigmoid(e.z_trust_a);
  const float trust_b = lr_sigmoid(e.z_trust_b);
  const float asym = learning_asymmetry(e.gain_a, e.gain_b);
  const float joint = e.gain_a + e.gain_b;
  const float shift = e.power_end - e.power_start;
  sink.count_end(lay.duration_index(e.cause, e.duration));
  sink.count_end(lay.hist_asymmetry + histogram_bin(asym, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_power_shift + histogram_bin(shift, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_joint + histogram_bin(joint, 0.0f, p.joint_max, p.hist_bins));
  // Hamel 2a: who gained bargaining power, and whether the dependence reversed (P_A crossed 1/2).
  const int32_t gained = shift > 0.0f ? PowerToA : shift < 0.0f ? PowerToB : PowerNeither;
  const int32_t reversal = (e.power_start < 0.5f && e.power_end > 0.5f)   ? PowerToA
                           : (e.power_start > 0.5f && e.power_end < 0.5f) ? PowerToB
                                                                          : PowerNeither;
  sink.count_end(lay.power_outcomes + kPowerRow_gained * kPowerColumns + gained);
  sink.count_end(lay.power_outcomes + kPowerRow_reversal * kPowerColumns + reversal);
  sink.count_end(lay.dyads);
  const float values[kMoments] = {asym, lr_abs(asym), shift, joint, e.gain_a, e.gain_b, e.x_a, e.x_b, trust_a, trust_b};
  int64_t fixed[2 * kMoments];
  for (int32_t k = 0; k < kMoments; ++k) {
    fixed[2 * k] = to_fixed_point(values[k]);
    fixed[2 * k + 1] = to_fixed_point(values[k] * values[k]);
  }
  sink.add_moments(fixed);
}

/// The record of a sampled dyad. Its intents are those it started with (events may change them later): drawn
/// again from their counter-based streams, so no register carries them through the dyad's life.
LR_HD LR_INLINE TrajectoryDyad trajectory_dyad_record(const ModelParams& p, const PointConstants& pc, uint64_t dyad,
                                                      const DyadState& s, const DyadEnd& e) {
  const RandomGenerator rng(pc.keys, dyad);
  const int32_t intent_a = sample_category(p.init_intent[FirmA], rng, rng_stream::init_intent_a);
  const int32_t intent_b = sample_category(p.init_intent[FirmB], rng, rng_stream::init_intent_b);
  return TrajectoryDyad{dyad,    intent_a,   intent_b, s.a.knowledge, s.b.knowledge, s.equity_a,
                        e.cause, e.duration, e.gain_a, e.gain_b,      s.power_start};
}

}  // namespace learnrace
