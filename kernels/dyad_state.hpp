// Everything a dyad carries from one period to the next (registers on the GPU; docs/model.md section 2).
#pragma once

#include "params.hpp"

namespace learnrace {

/// One firm's state.
struct FirmState {
  float level[kFirmFactors];  // the firm's own level m of T, S, L (logit scale): where its factor reverts to
  float z[kFirmFactors];      // latent logits of T, S, L (the factor is sigmoid(z))
  float alpha0, gamma0;       // capacity floors (events may change them)
  float receptivity_cap;      // cap on effective receptivity, from the intent (Hamel 3a) or events
  float knowledge;            // unique alliance-relevant knowledge U
  float x, y;                 // internalised fraction of the partner's knowledge; appropriated new knowledge
  float suspicion;            // q: perceived net outflow, averaged
  int32_t intent, strategy;
  int32_t exploit_run;  // consecutive periods of detected exploitation with low trust
  int32_t violated;     // 1 once the firm has detected exploitation (trust recovery cap applies)
};

struct DyadState {
  FirmState a, b;
  float relation;
  float equity_a;
  float hazard;
  float power_start, power_a;
  int32_t avoid_run;
  uint32_t fired;  // bit e: event e (with `once`) has been applied
};

}  // namespace learnrace
