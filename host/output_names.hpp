// Names of the categorical axes of the outputs (docs/model.md section 16, docs/output_schema.md /meta); the binned
// factors are listed with the output schema registry (LR_BINNED_FACTORS, kernels/output_fields.hpp).
// They are part of the file format: index = the code used by kernels/ (Cause, Moment, Factor, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "params.hpp"

namespace learnrace {
namespace names {

/// Termination causes by Cause code: censored, disintegration, race_won_by_A, ...
const char* cause(int32_t code);
/// Summary moments by Moment code: asymmetry, abs_asymmetry, power_shift, ...
const char* moment(int32_t code);
/// Intents by Intent code: internalization, substitution, resource_concentration.
const char* intent(int32_t code);
/// "propositional" or "strategic".
const char* kernel(KernelType kernel);
/// "Collaboration/Competition" for pair index 5 * A + B.
std::string pair_state(int32_t pair);

/// Whole axes, in code order (what /meta stores).
std::vector<std::string> causes();
std::vector<std::string> moments();
std::vector<std::string> intents();
std::vector<std::string> strategies();      // full names
std::vector<std::string> strategy_codes();  // AVO, ACC, CPR, CPT, COL
std::vector<std::string> pair_states();

}  // namespace names
}  // namespace learnrace
