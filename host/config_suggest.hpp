// "Did you mean ...?" for unknown keys.
#pragma once

#include <string>
#include <vector>

namespace learnrace {

/// Edit distance (insertions, deletions, substitutions, adjacent swaps), ignoring case.
size_t edit_distance(const std::string& a, const std::string& b);

/// The message for an unknown dotted key: the closest valid key, if one is close, and the valid keys
/// of the section it was found in. `extra_top_level` names top-level entries that are not registry
/// keys (e.g. "points", "sweep").
std::string unknown_key_problem(const std::string& key, const std::vector<std::string>& extra_top_level = {});

}  // namespace learnrace
