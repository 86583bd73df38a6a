// Field-by-field comparison of ModelParams (no memcmp: padding and float -0/NaN must not matter),
// written out by hand, independently of the config key registry it is used to test.
#pragma once

#include <string>
#include <vector>

#include "params.hpp"

namespace learnrace::test {

inline void compare_field(std::vector<std::string>& diffs, const std::string& name, double a, double b) {
  if (!(a == b)) diffs.push_back(name);
}

inline void compare_distribution(std::vector<std::string>& diffs, const std::string& name, const Distribution& a,
                                 const Distribution& b) {
  compare_field(diffs, name + ".kind", static_cast<int>(a.kind), static_cast<int>(b.kind));
  compare_field(diffs, name + ".a", a.a, b.a);
  compare_field(diffs, name + ".b", a.b, b.b);
  compare_field(diffs, name + ".n", a.n, b.n);
  for (int i = 0; i < 5; ++i) compare_field(diffs, name + ".p[" + std::to_string(i) + "]", a.p[i], b.p[i]);
}

/// Names of the fields that differ, e.g. {"shock[0].sigma", "init_intent[1].p[2]"}.
inline std::vector<std::string> differing_fields(const ModelParams& a, const ModelParams& b) {
  std::vector<std::string> d;
#define LR_CMP(field) compare_field(d, #field, static_cast<double>(a.field), static_cast<double>(b.field))
  LR_CMP(periods);
  LR_CMP(seed);
  LR_CMP(point_key);
  LR_CMP(factor_bins);
  LR_CMP(hist_bins);
  LR_CMP(joint_max);
  LR_CMP(relation_bin_max);
  LR_CMP(trajectory_stride);
  LR_CMP(trajectory_max);
  compare_field(d, "kernel", static_cast<int>(a.kernel), static_cast<int>(b.kernel));
  LR_CMP(level[0]);
  LR_CMP(level[1]);
  LR_CMP(level[2]);
  LR_CMP(kappa_c);
  LR_CMP(kappa_x);
  LR_CMP(lambda);
  for (int f = 0; f < kFirms; ++f) {
    const std::string s = "firm[" + std::to_string(f) + "].";
    compare_field(d, s + "alpha0", a.firm[f].alpha0, b.firm[f].alpha0);
    compare_field(d, s + "gamma0", a.firm[f].gamma0, b.firm[f].gamma0);
    compare_field(d, s + "disguise", a.firm[f].disguise, b.firm[f].disguise);
  }
  LR_CMP(r0);
  LR_CMP(w_legal);
  LR_CMP(eta_up);
  LR_CMP(eta_down);
  LR_CMP(trust_recovery_cap);
  LR_CMP(delta_r);
  LR_CMP(perception_noise);
  LR_CMP(perception_weight);
  LR_CMP(detect_threshold);
  for (int i = 0; i < kIntents; ++i)
    compare_field(d, "expected_outflow[" + std::to_string(i) + "]", a.expected_outflow[i], b.expected_outflow[i]);
  for (int f = 0; f < kFirmFactors; ++f) {
    const std::string s = "shock[" + std::to_string(f) + "].";
    compare_field(d, s + "phi", a.shock[f].phi, b.shock[f].phi);
    compare_field(d, s + "sigma", a.shock[f].sigma, b.shock[f].sigma);
    compare_field(d, s + "rho", a.shock[f].rho, b.shock[f].rho);
    compare_field(d, s + "p_jump", a.shock[f].p_jump, b.shock[f].p_jump);
    compare_field(d, s + "jump_size", a.shock[f].jump_size, b.shock[f].jump_size);
    compare_field(d, s + "jump_common", a.shock[f].jump_common, b.shock[f].jump_common);
  }
  for (int f = 0; f < kFirms; ++f)
    for (int k = 0; k < kFirmFactors; ++k) {
      const std::string at = "[" + std::to_string(f) + "][" + std::to_string(k) + "]";
      compare_distribution(d, "init_factor" + at, a.init_factor[f][k], b.init_factor[f][k]);
      compare_distribution(d, "level_factor" + at, a.level_factor[f][k], b.level_factor[f][k]);
    }
  compare_distribution(d, "init_relation", a.init_relation, b.init_relation);
  compare_distribution(d, "init_knowledge[0]", a.init_knowledge[0], b.init_knowledge[0]);
  compare_distribution(d, "init_knowledge[1]", a.init_knowledge[1], b.init_knowledge[1]);
  compare_distribution(d, "init_equity", a.init_equity, b.init_equity);
  compare_distribution(d, "init_intent[0]", a.init_intent[0], b.init_intent[0]);
  compare_distribution(d, "init_intent[1]", a.init_intent[1], b.init_intent[1]);
  compare_distribution(d, "init_strategy[0]", a.init_strategy[0], b.init_strategy[0]);
  compare_distribution(d, "init_strategy[1]", a.init_strategy[1], b.init_strategy[1]);
  LR_CMP(receptivity_cap[0]);
  LR_CMP(receptivity_cap[1]);
  LR_CMP(receptivity_cap[2]);
  LR_CMP(avoid_periods);
  LR_CMP(exit_knowledge);
  LR_CMP(exit_power_gain);
  LR_CMP(exploit_trust);
  for (int i = 0; i < kIntents; ++i)
    compare_field(d, "exploit_tolerance[" + std::to_string(i) + "]", a.exploit_tolerance[i], b.exploit_tolerance[i]);
  LR_CMP(hazard);
  LR_CMP(epsilon);
  LR_CMP(p_counter);
  LR_CMP(p_avoid);
  LR_CMP(barrier.b0);
  LR_CMP(barrier.trust);
  LR_CMP(barrier.orientation);
  LR_CMP(barrier.relation);
  LR_CMP(barrier.suspicion);
  LR_CMP(barrier.temptation);
  LR_CMP(p8_b0_moderation);
  for (int p = 0; p < kPropositions; ++p) {
    const std::string s = "beta[" + std::to_string(p) + "].";
    compare_field(d, s + "b0", a.beta[p].b0, b.beta[p].b0);
    for (int f = 0; f < kFactors; ++f)
      compare_field(d, s + "beta[" + std::to_string(f) + "]", a.beta[p].beta[f], b.beta[p].beta[f]);
  }
  LR_CMP(beta_qre);
  LR_CMP(inertia);
  LR_CMP(w_stakes);
  LR_CMP(w_leak);
  for (int i = 0; i < kIntents; ++i) compare_field(d, "w_power[" + std::to_string(i) + "]", a.w_power[i], b.w_power[i]);
  LR_CMP(vigilance[0]);
  LR_CMP(vigilance[1]);
  LR_CMP(deterrence);
  LR_CMP(w_continuation);
  for (int i = 0; i < kIntents; ++i)
    compare_field(d, "w_output[" + std::to_string(i) + "]", a.w_output[i], b.w_output[i]);
  LR_CMP(cost_transparency);
  LR_CMP(cost_receptivity);
  LR_CMP(gate_g0);
  LR_CMP(gate_orientation);
  LR_CMP(gate_trust);
  LR_CMP(gate_stakes);
  LR_CMP(gate_relation);
  LR_CMP(n_events);
  for (int e = 0; e < kMaxEvents; ++e) {
    const std::string s = "events[" + std::to_string(e) + "].";
    compare_field(d, s + "variable", a.events[e].variable, b.events[e].variable);
    compare_field(d, s + "target", a.events[e].target, b.events[e].target);
    compare_field(d, s + "op", a.events[e].op, b.events[e].op);
    compare_field(d, s + "first", a.events[e].first, b.events[e].first);
    compare_field(d, s + "last", a.events[e].last, b.events[e].last);
    compare_field(d, s + "once", a.events[e].once, b.events[e].once);
    compare_field(d, s + "value", a.events[e].value, b.events[e].value);
    compare_field(d, s + "probability", a.events[e].probability, b.events[e].probability);
  }
#undef LR_CMP
  return d;
}

}  // namespace learnrace::test
