// Names of the categorical axes of the outputs (docs/model.md sections 13 and 16, docs/output_schema.md /meta).
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
/// Situational factors by Factor code: trust, stakes, orientation, relation.
const char* factor(int32_t code);
/// Intents by Intent code: internalization, substitution, resource_concentration.
const char* intent(int32_t code);
/// "propositional" or "strategic".
const char* kernel(KernelType kernel);
/// "Collaboration/Competition" for pair index 5 * A + B.
std::string pair_state(int32_t pair);

/// Whole axes, in code order (what /meta stores).
std::vector<std::string> causes();
std::vector<std::string> moments();
std::vector<std::string> factors();
std::vector<std::string> binned_axes();            // trust_A, ..., relation: axis 0 of transitions_by_bin
std::vector<std::string> power_outcome_rows();     // gained, reversal
std::vector<std::string> power_outcome_columns();  // A, B, neither
std::vector<std::string> intents();
std::vector<std::string> strategies();      // full names
std::vector<std::string> strategy_codes();  // AVO, ACC, CPR, CPT, COL
std::vector<std::string> pair_states();

}  // namespace names
}  // namespace learnrace
