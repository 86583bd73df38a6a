// The layout of a run file shared by its writer and reader (docs/output_schema.md): which section
// of the flat per-point count array goes to which dataset, the trajectory fields, the /meta axes.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "h5_dataspace.hpp"
#include "output_layout.hpp"
#include "run_result.hpp"

namespace learnrace {
namespace run_schema {

/// One dataset [P, dims...] holding words [offset, offset + product(dims)) of every point's counts.
struct CountSection {
  std::string group;  // "counts" or "outcomes"
  std::string name;
  uint64_t offset = 0;
  h5::Dims dims;           // per point
  bool is_signed = false;  // int64 (the fixed-point moments), else uint64
};

/// All sections, in layout order. They tile [0, layout.total) exactly (checked: a section added to
/// OutputLayout but not here throws std::logic_error instead of being silently dropped).
std::vector<CountSection> count_sections(const OutputLayout& layout);

/// Calls f(name, member, per_period) for every trajectory field, in the order of
/// docs/output_schema.md; `member` is a pointer to the std::vector member of Trajectories, which
/// holds the whole dataset: per-period fields [points][slots][periods], the others [points][slots].
template <class F>
void for_each_trajectory_field(F&& f) {
  f("pair", &Trajectories::pair, true);
  f("x_A", &Trajectories::x_a, true);
  f("x_B", &Trajectories::x_b, true);
  f("trust", &Trajectories::trust, true);
  f("stakes", &Trajectories::stakes, true);
  f("orientation", &Trajectories::orientation, true);
  f("relation", &Trajectories::relation, true);
  f("power_A", &Trajectories::power_a, true);
  f("dyad", &Trajectories::dyad, false);
  f("intent_A", &Trajectories::intent_a, false);
  f("intent_B", &Trajectories::intent_b, false);
  f("knowledge_A", &Trajectories::knowledge_a, false);
  f("knowledge_B", &Trajectories::knowledge_b, false);
  f("equity_A", &Trajectories::equity_a, false);
  f("cause", &Trajectories::cause, false);
  f("duration", &Trajectories::duration, false);
  f("gain_A", &Trajectories::gain_a, false);
  f("gain_B", &Trajectories::gain_b, false);
}

/// Element type of a trajectory field given its member pointer.
template <class Member>
using field_value_t =
    typename std::decay_t<decltype(std::declval<Trajectories&>().*std::declval<Member>())>::value_type;

/// The /meta datasets: name and values (index = code).
struct MetaAxis {
  std::string name;
  std::vector<std::string> values;
};
std::vector<MetaAxis> meta_axes();

}  // namespace run_schema
}  // namespace learnrace
