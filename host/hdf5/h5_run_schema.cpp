#include "h5_run_schema.hpp"

#include <stdexcept>

#include "output_names.hpp"

namespace learnrace {
namespace run_schema {

std::vector<CountSection> count_sections(const OutputLayout& l) {
  const hsize_t pairs = kPairStates;
  const hsize_t periods = static_cast<hsize_t>(l.periods);
  const hsize_t bins = static_cast<hsize_t>(l.factor_bins);
  const hsize_t hist = static_cast<hsize_t>(l.hist_bins);
  std::vector<CountSection> s = {
      {"counts", "transitions", l.transitions, {pairs, pairs}, false},
      {"counts", "transitions_by_bin", l.transitions_by_bin, {kBinnedAxes, bins, pairs, pairs}, false},
      {"counts", "occupancy", l.occupancy, {periods, pairs}, false},
      {"outcomes", "duration", l.duration, {kCauses, periods + 1}, false},
      {"outcomes", "asymmetry_hist", l.hist_asymmetry, {hist}, false},
      {"outcomes", "power_shift_hist", l.hist_power_shift, {hist}, false},
      {"outcomes", "joint_learning_hist", l.hist_joint, {hist}, false},
      {"outcomes", "power_outcomes", l.power_outcomes, {2, kPowerColumns}, false},
      {"outcomes", "moments", l.moments, {kMoments, 2}, true},
      {"outcomes", "dyads", l.dyads, {}, false},
  };
  uint64_t next = 0;
  for (const CountSection& c : s) {
    if (c.offset != next)
      throw std::logic_error("run_schema: count section " + c.group + "/" + c.name + " starts at word " +
                             std::to_string(c.offset) + ", expected " + std::to_string(next) +
                             " (OutputLayout changed without the file schema)");
    next += h5::product(c.dims);
  }
  if (next != l.total)
    throw std::logic_error("run_schema: count sections end at word " + std::to_string(next) + ", the layout at " +
                           std::to_string(l.total) + " (OutputLayout changed without the file schema)");
  return s;
}

std::vector<MetaAxis> meta_axes() {
  return {{"strategies", names::strategies()},   {"strategy_codes", names::strategy_codes()},
          {"pair_states", names::pair_states()}, {"causes", names::causes()},
          {"factors", names::factors()},         {"moments", names::moments()},
          {"binned_axes", names::binned_axes()}, {"power_outcome_rows", names::power_outcome_rows()},
          {"power_outcome_columns", names::power_outcome_columns()},
          {"intents", names::intents()}};
}

}  // namespace run_schema
}  // namespace learnrace
