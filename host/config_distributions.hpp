// Initial-condition distributions in the TOML schema: names, parameters, and which values each
// variable's support admits (docs/model.md section 4: "initial distributions of everything are configurable").
#pragma once

#include <string>
#include <vector>

#include "config_keys.hpp"
#include "params.hpp"

namespace learnrace {

/// "fixed", "uniform", "normal", "logitnormal", "beta", "categorical".
const char* dist_name(DistKind kind);
/// Parses a dist name; false when unknown.
bool parse_dist_name(const std::string& name, DistKind* kind);

/// Parameter names of a kind in the TOML schema: fixed {value}, uniform {low, high}, normal and
/// logitnormal {mean, sd}, beta {a, b}, categorical {p}.
std::vector<std::string> dist_params(DistKind kind);
/// The Distribution field that holds a real parameter (value/low/mean/a -> a; high/sd/b -> b).
float& dist_param(Distribution& d, const std::string& name);
double dist_param_value(const Distribution& d, const std::string& name);

/// "on (0, 1)", "on [0, 1]", ">= 0", "> 0", "a category".
std::string support_text(Support support);
/// "fixed, uniform, logitnormal, beta".
std::string allowed_dists_text(const DistributionKey& key);

/// Checks a distribution against its variable. Returns "" when valid; else the problem, with
/// `field` set to the offending parameter ("" for the distribution as a whole).
std::string check_distribution(const DistributionKey& key, const Distribution& d, std::string* field);

}  // namespace learnrace
