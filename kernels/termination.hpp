// Termination causes (MODEL.md section 6), checked in order at the end of each period; the first
// that fires ends the alliance.
#pragma once

#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

struct TerminationInputs {
  int32_t avoid_run;  // consecutive periods of mutual avoidance, including this one
  int32_t intent_a, intent_b;
  float x_a, x_b;
  float power_a;
  float net_outflow_a;  // cumulative t_AB - t_BA
  float u_hazard;
};

LR_HD LR_INLINE int32_t termination_cause(const ModelParams& p, const TerminationInputs& in) {
  // Larsson P5: mutual avoidance persisting -> disintegration.
  if (in.avoid_run >= p.avoid_periods) return Disintegration;
  // Hamel 1b: a partner with internalization intent that has learned what it needed and holds the
  // power exits; "termination cannot be seen as failure".
  if (in.intent_a == Internalization && in.x_a >= p.exit_knowledge && in.power_a >= p.exit_power) return RaceWonByA;
  if (in.intent_b == Internalization && in.x_b >= p.exit_knowledge && 1.0f - in.power_a >= p.exit_power)
    return RaceWonByB;
  // Larsson: friendly exploitation "is likely to dissolve sooner or later" -- the giver withdraws.
  if (in.net_outflow_a > p.exploit_tolerance) return ExploitedAWithdraws;
  if (-in.net_outflow_a > p.exploit_tolerance) return ExploitedBWithdraws;
  // Exogenous market / priority shocks.
  if (in.u_hazard < p.hazard) return ExogenousHazard;
  return Censored;
}

}  // namespace learnrace
