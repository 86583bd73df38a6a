#include "config_suggest.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "config_distributions.hpp"
#include "config_keys.hpp"

namespace learnrace {

namespace {

std::string last_component(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string parent_of(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? std::string() : key.substr(0, dot);
}

/// Valid names directly under `parent` (a section, a distribution variable, or the top level).
std::vector<std::string> valid_children(const std::string& parent, const std::vector<std::string>& extra_top_level) {
  if (const DistributionKey* d = find_distribution_key(parent)) {
    std::vector<std::string> params;
    for (DistKind kind : d->allowed)
      for (const std::string& p : dist_params(kind))
        if (std::find(params.begin(), params.end(), p) == params.end()) params.push_back(p);
    return params;
  }
  std::vector<std::string> children = section_children(parent);
  if (parent.empty()) children.insert(children.end(), extra_top_level.begin(), extra_top_level.end());
  return children;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

size_t edit_distance(const std::string& a_in, const std::string& b_in) {
  std::string a = a_in, b = b_in;
  for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string unknown_key_problem(const std::string& key, const std::vector<std::string>& extra_top_level) {
  const std::string hint = unnamed_factor_problem(key);
  if (!hint.empty()) return hint;

  const std::string parent = parent_of(key);
  const std::string last = last_component(key);
  const bool parent_known = parent.empty() || is_section(parent) || find_distribution_key(parent);
  std::string suggestion;

  // 1. A valid key written inside the wrong table, e.g. initial.initial.trust under [initial].
  for (const std::string& k : all_keys()) {
    std::vector<std::string> targets = {k};
    if (find_distribution_key(k))
      for (const std::string& p : valid_children(k, {})) targets.push_back(k + "." + p);
    for (const std::string& t : targets)
      if (key.size() > t.size() && key.compare(key.size() - t.size() - 1, t.size() + 1, "." + t) == 0) suggestion = t;
  }
  // 2. A typo among the keys of the same section.
  if (suggestion.empty() && parent_known) {
    size_t best = std::max<size_t>(1, last.size() / 3) + 1;
    for (const std::string& child : valid_children(parent, extra_top_level)) {
      const size_t dist = edit_distance(last, child);
      if (dist < best) {
        best = dist;
        suggestion = parent.empty() ? child : parent + "." + child;
      }
    }
  }
  // 3. The right name in the wrong section.
  if (suggestion.empty()) {
    for (const std::string& k : all_keys()) {
      if (last_component(k) == last) {
        suggestion = k;
        break;
      }
    }
  }
  // 4. The closest full dotted key or section, when even the section is unknown.
  if (suggestion.empty() && !parent_known) {
    std::set<std::string> candidates;
    for (const std::string& k : all_keys()) {
      for (size_t dot = k.find('.'); dot != std::string::npos; dot = k.find('.', dot + 1))
        candidates.insert(k.substr(0, dot));
      candidates.insert(k);
    }
    size_t best = std::max<size_t>(2, key.size() / 4) + 1;
    for (const std::string& c : candidates) {
      const size_t dist = edit_distance(key, c);
      if (dist < best) {
        best = dist;
        suggestion = c;
      }
    }
  }

  std::string problem = "unknown key";
  if (parent_known && !parent.empty() && !section_children(last).empty())
    problem += "; '" + last + "' is a top-level section: inside [" + parent + "] write its keys without the '" + last +
               ".' prefix, or move them out of [" + parent + "].";
  else if (!suggestion.empty())
    problem += "; did you mean '" + suggestion + "'?";
  else
    problem += ".";
  // List the valid keys of the deepest section of the key that exists.
  std::string known = parent;
  while (!known.empty() && !is_section(known) && !find_distribution_key(known)) known = parent_of(known);
  const std::string where = known.empty() ? "at the top level" : "in [" + known + "]";
  problem += " Valid keys " + where + ": " + join(valid_children(known, extra_top_level));
  return problem;
}

}  // namespace learnrace
