#include "summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <stdexcept>

namespace learnrace {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct OrderStatistic {
  int32_t duration;
  bool censored;
};

// k-th smallest duration (1-based); at equal durations ended dyads come before censored ones.
OrderStatistic order_statistic(const OutputLayout& l, const uint64_t* counts, uint64_t k) {
  uint64_t seen = 0;
  for (int32_t d = 0; d <= l.periods; ++d) {
    for (int32_t c = 1; c < kCauses; ++c) seen += counts[l.duration_index(c, d)];
    if (seen >= k) return {d, false};
    seen += counts[l.duration_index(Censored, d)];
    if (seen >= k) return {d, true};
  }
  throw std::logic_error("order_statistic: k exceeds the number of dyads");
}

std::string percent(double share) {
  if (std::isnan(share)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * share);
  return buf;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string median_text(const MedianDuration& m) {
  if (std::isnan(m.value)) return "-";
  // Integer or half-integer: print without a useless ".0".
  std::string s = (m.value == std::floor(m.value)) ? fixed(m.value, 0) : fixed(m.value, 1);
  return m.censored ? ">" + s : s;
}

}  // namespace

MedianDuration median_duration(const OutputLayout& l, const uint64_t* counts) {
  uint64_t n = 0;
  for (int32_t c = 0; c < kCauses; ++c)
    for (int32_t d = 0; d <= l.periods; ++d) n += counts[l.duration_index(c, d)];
  MedianDuration m;
  if (n == 0) {
    m.value = kNaN;
    return m;
  }
  const OrderStatistic lo = order_statistic(l, counts, (n + 1) / 2);
  const OrderStatistic hi = (n % 2 == 1) ? lo : order_statistic(l, counts, n / 2 + 1);
  m.value = 0.5 * (static_cast<double>(lo.duration) + static_cast<double>(hi.duration));
  m.censored = lo.censored || hi.censored;
  return m;
}

double moment_mean(const OutputLayout& l, const uint64_t* counts, Moment moment) {
  const uint64_t dyads = counts[l.dyads];
  if (dyads == 0) return kNaN;
  const int64_t sum = static_cast<int64_t>(counts[l.moments + 2 * static_cast<uint64_t>(moment)]);
  return static_cast<double>(sum) / static_cast<double>(kFixedPointScale) / static_cast<double>(dyads);
}

PointHeadline point_headline(const OutputLayout& l, const uint64_t* counts, const std::string& name) {
  PointHeadline h;
  h.name = name;
  h.dyads = counts[l.dyads];
  for (int32_t c = 0; c < kCauses; ++c) {
    uint64_t ended = 0;
    for (int32_t d = 0; d <= l.periods; ++d) {
      const uint64_t k = counts[l.duration_index(c, d)];
      ended += k;
      h.dyad_periods += k * static_cast<uint64_t>(d);
    }
    h.share[c] = h.dyads ? static_cast<double>(ended) / static_cast<double>(h.dyads) : kNaN;
  }
  h.dissolved = 1.0 - h.share[Censored];
  h.median = median_duration(l, counts);
  h.mean_abs_asymmetry = moment_mean(l, counts, MomentAbsAsymmetry);
  h.mean_power_shift = moment_mean(l, counts, MomentPowerShift);
  return h;
}

std::vector<PointHeadline> headlines(const RunResult& result) {
  std::vector<PointHeadline> rows;
  const size_t n = static_cast<size_t>(std::max(result.n_points, 0));
  if (result.counts.size() != n * result.layout.total)
    throw std::invalid_argument("headlines: " + std::to_string(n) + " points have " +
                                std::to_string(result.counts.size()) + " count words, the layout " +
                                std::to_string(result.layout.total) + " each");
  for (size_t i = 0; i < n; ++i) {
    const std::string name = i < result.point_names.size() ? result.point_names[i] : "point " + std::to_string(i);
    rows.push_back(point_headline(result.layout, result.point_counts(static_cast<int32_t>(i)), name));
  }
  return rows;
}

void print_headlines(const RunResult& result, std::ostream& out) { print_headlines(headlines(result), out); }

void print_headlines(const std::vector<PointHeadline>& rows, std::ostream& out) {
  // Column headers; the cause columns follow the Cause codes.
  std::vector<std::string> header = {"point",      "dyads",  "dyad-periods", "censored",  "disintegr",
                                     "won A",      "won B",  "exploit A",    "exploit B", "hazard",
                                     "median dur", "|asym|", "dP_A"};
  std::vector<std::vector<std::string>> table = {header};
  for (const PointHeadline& h : rows) {
    std::vector<std::string> row = {h.name, std::to_string(h.dyads), std::to_string(h.dyad_periods)};
    for (int32_t c = 0; c < kCauses; ++c) row.push_back(percent(h.share[c]));
    row.push_back(median_text(h.median));
    row.push_back(fixed(h.mean_abs_asymmetry, 4));
    row.push_back(fixed(h.mean_power_shift, 4));
    table.push_back(row);
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& row : table)
    for (size_t j = 0; j < row.size(); ++j) width[j] = std::max(width[j], row[j].size());
  for (const auto& row : table) {
    std::string line;
    for (size_t j = 0; j < row.size(); ++j) {
      const std::string pad(width[j] - row[j].size(), ' ');
      if (j > 0) line += "  ";
      line += (j == 0) ? row[j] + pad : pad + row[j];  // names left, numbers right
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  out << "shares of dyads by termination cause (censored = still allied at the horizon); median dur = median\n"
         "duration in periods ('>' = beyond the horizon); |asym| = mean |learning asymmetry|; dP_A = mean P_A(end) - "
         "P_A(0)\n";
}

}  // namespace learnrace
