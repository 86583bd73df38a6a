// Termination causes (docs/model.md section 15), checked in order at the end of each period; the first
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
  int32_t exploit_run_a, exploit_run_b;  // consecutive periods of detected exploitation with low trust
  float hazard;
  float u_hazard;
};

/// A firm with internalization intent that has internalised what it needed (and, by default, holds the
/// power) leaves: partners race "to bolster their relative power, or/and to be able to dispense with further
/// collaboration and exit the alliance" [001:61]; "the termination of an agreement cannot be seen as failure"
/// (Hamel 1b [000:110]).
LR_HD LR_INLINE bool race_won(const ModelParams& p, int32_t intent, float x, float power) {
  return intent == Internalization && x >= p.exit_knowledge && (!p.exit_needs_power || power >= p.exit_power);
}

/// The giver withdraws only after sustained detected exploitation with low trust; a firm that came for the
/// partner's outputs, not its skills, tolerates longer (tolerance per intent).
LR_HD LR_INLINE bool exploited_withdraws(const ModelParams& p, int32_t intent, int32_t exploit_run) {
  return exploit_run >= p.exploit_tolerance[intent];
}

LR_HD LR_INLINE int32_t termination_cause(const ModelParams& p, const TerminationInputs& in) {
  // Larsson P5: mutual avoidance persisting -> disintegration.
  if (in.avoid_run >= p.avoid_periods) return Disintegration;
  if (race_won(p, in.intent_a, in.x_a, in.power_a)) return RaceWonByA;
  if (race_won(p, in.intent_b, in.x_b, 1.0f - in.power_a)) return RaceWonByB;
  // "The "friendly exploitation" ... is likely to dissolve sooner or later as the stakeholders of the
  // accommodating organization can hardly view this altruistic giving without taking as a desirable state of
  // affairs" [002:234]: as they perceive it.
  if (exploited_withdraws(p, in.intent_a, in.exploit_run_a)) return ExploitedAWithdraws;
  if (exploited_withdraws(p, in.intent_b, in.exploit_run_b)) return ExploitedBWithdraws;
  // Exogenous market / priority shocks [000:406-408].
  if (in.u_hazard < in.hazard) return ExogenousHazard;
  return Censored;
}

}  // namespace learnrace
