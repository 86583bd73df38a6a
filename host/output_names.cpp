#include "output_names.hpp"

#include "output_layout.hpp"
#include "strategy.hpp"

namespace learnrace {
namespace names {

namespace {
const char* const kCauseNames[kCauses] = {"censored",        "disintegration",        "race_won_by_A",
                                          "race_won_by_B",   "exploited_A_withdraws", "exploited_B_withdraws",
                                          "exogenous_hazard"};
const char* const kMomentNames[kMoments] = {
#define LR_X(code, name) #name,
    LR_MOMENTS(LR_X)
#undef LR_X
};
const char* const kIntentNames[kIntents] = {"internalization", "substitution", "resource_concentration"};

template <size_t N>
const char* lookup(const char* const (&table)[N], int32_t code) {
  return (code >= 0 && static_cast<size_t>(code) < N) ? table[code] : "?";
}

template <size_t N>
std::vector<std::string> all(const char* const (&table)[N]) {
  return std::vector<std::string>(table, table + N);
}
}  // namespace

const char* cause(int32_t code) { return lookup(kCauseNames, code); }
const char* moment(int32_t code) { return lookup(kMomentNames, code); }
const char* intent(int32_t code) { return lookup(kIntentNames, code); }

const char* kernel(KernelType kernel) {
  switch (kernel) {
    case KernelType::Propositional:
      return "propositional";
    case KernelType::Strategic:
      return "strategic";
  }
  return "?";
}

std::string pair_state(int32_t pair) {
  if (pair < 0 || pair >= kPairStates) return "?";
  return std::string(strategy_name(pair / kStrategies)) + "/" + strategy_name(pair % kStrategies);
}

std::vector<std::string> causes() { return all(kCauseNames); }
std::vector<std::string> moments() { return all(kMomentNames); }
std::vector<std::string> intents() { return all(kIntentNames); }

std::vector<std::string> strategies() {
  std::vector<std::string> out;
  for (int32_t s = 0; s < kStrategies; ++s) out.emplace_back(strategy_name(s));
  return out;
}

std::vector<std::string> strategy_codes() {
  std::vector<std::string> out;
  for (int32_t s = 0; s < kStrategies; ++s) out.emplace_back(strategy_code(s));
  return out;
}

std::vector<std::string> pair_states() {
  std::vector<std::string> out;
  for (int32_t p = 0; p < kPairStates; ++p) out.push_back(pair_state(p));
  return out;
}

}  // namespace names
}  // namespace learnrace
