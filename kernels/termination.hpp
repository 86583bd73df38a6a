// Termination causes (docs/model.md section 15), checked in order at the end of each period; the first
// that fires ends the alliance.
#pragma once

#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

/// What the termination check reads (F, I: float and int32_t for one dyad, or vectors of them).
template <class F, class I>
struct TerminationInputsT {
  I avoid_run;  // consecutive periods of mutual avoidance, including this one
  I intent_a, intent_b;
  F x_a, x_b;
  F power_a, power_start;
  I exploit_run_a, exploit_run_b;  // consecutive periods of detected exploitation with low trust
  F hazard;
  F u_hazard;
};
using TerminationInputs = TerminationInputsT<float, int32_t>;

/// The run counters before the check, on the state of the period just played (State: DyadStateT): mutual avoidance
/// (Larsson P5), and each firm's detected exploitation while its trust at the start of the period was below
/// exploit_trust.
template <class State, class F, class M>
LR_HD LR_INLINE void update_runs(const ModelParams& p, State& s, F trust_a, F trust_b, M detected_a, M detected_b) {
  using I = decltype(s.avoid_run);
  const I avoid(Avoidance);
  s.avoid_run = lr_select((s.a.strategy == avoid) & (s.b.strategy == avoid), s.avoid_run + I(1), I(0));
  s.a.exploit_run = lr_select(detected_a & (trust_a < F(p.exploit_trust)), s.a.exploit_run + I(1), I(0));
  s.b.exploit_run = lr_select(detected_b & (trust_b < F(p.exploit_trust)), s.b.exploit_run + I(1), I(0));
}

/// A firm with internalization intent that has internalised what it needed, out-learned its partner and gained
/// bargaining power in the alliance leaves: the race is won by out-learning, not by endowment (model v3). Partners
/// race "to bolster their relative power, or/and to be able to dispense with further collaboration and exit the
/// alliance" [001:61]; "a shift in relative bargaining power between partners over time, leading to a shift in the
/// balance of benefits to the faster learner" [001:93]; "the termination of an agreement cannot be seen as failure"
/// (Hamel 1b [000:110]).
template <class F, class I>
LR_HD LR_INLINE auto race_won(const ModelParams& p, I intent, F x, F x_partner, F power_gain) {
  return (intent == I(Internalization)) & (x >= F(p.exit_knowledge)) & (x > x_partner) &
         (power_gain >= F(p.exit_power_gain));
}

/// The giver withdraws only after sustained detected exploitation with low trust; a firm that came for the
/// partner's outputs, not its skills, tolerates longer (tolerance per intent).
template <class I>
LR_HD LR_INLINE auto exploited_withdraws(const ModelParams& p, I intent, I exploit_run) {
  return exploit_run >= lr_pick(p.exploit_tolerance, intent);
}

/// The first cause that fires, in the order of docs/model.md section 15 (selects from the last to the first, so the
/// first wins), or Censored.
template <class F, class I>
LR_HD LR_INLINE I termination_cause(const ModelParams& p, const TerminationInputsT<F, I>& in) {
  I cause(Censored);
  // Exogenous market / priority shocks [000:406-408].
  cause = lr_select(in.u_hazard < in.hazard, I(ExogenousHazard), cause);
  // "The "friendly exploitation" ... is likely to dissolve sooner or later as the stakeholders of the
  // accommodating organization can hardly view this altruistic giving without taking as a desirable state of
  // affairs" [002:234]: as they perceive it.
  cause = lr_select(exploited_withdraws(p, in.intent_b, in.exploit_run_b), I(ExploitedBWithdraws), cause);
  cause = lr_select(exploited_withdraws(p, in.intent_a, in.exploit_run_a), I(ExploitedAWithdraws), cause);
  cause = lr_select(race_won(p, in.intent_b, in.x_b, in.x_a, in.power_start - in.power_a), I(RaceWonByB), cause);
  cause = lr_select(race_won(p, in.intent_a, in.x_a, in.x_b, in.power_a - in.power_start), I(RaceWonByA), cause);
  // Larsson P5: mutual avoidance persisting -> disintegration.
  cause = lr_select(in.avoid_run >= I(p.avoid_periods), I(Disintegration), cause);
  return cause;
}

}  // namespace learnrace
