#include "config_distributions.hpp"

#include <cfloat>
#include <cmath>

#include "config_value.hpp"

namespace learnrace {

namespace {
const char* const kDistNames[] = {"fixed", "uniform", "normal", "logitnormal", "beta", "categorical", "start"};

bool finite_float(double v) { return std::isfinite(v) && std::fabs(v) <= FLT_MAX; }
std::string num(float v) { return shortest_float(v); }
}  // namespace

const char* dist_name(DistKind kind) { return kDistNames[static_cast<int>(kind)]; }

bool parse_dist_name(const std::string& name, DistKind* kind) {
  for (int i = 0; i < 7; ++i) {
    if (name == kDistNames[i]) {
      *kind = static_cast<DistKind>(i);
      return true;
    }
  }
  return false;
}

std::vector<std::string> dist_params(DistKind kind) {
  switch (kind) {
    case DistKind::Fixed:
      return {"value"};
    case DistKind::Uniform:
      return {"low", "high"};
    case DistKind::Normal:
    case DistKind::LogitNormal:
      return {"mean", "sd"};
    case DistKind::Beta:
      return {"a", "b"};
    case DistKind::Start:
      return {};
    default:
      return {"p"};
  }
}

float& dist_param(Distribution& d, const std::string& name) {
  return (name == "high" || name == "sd" || name == "b") ? d.b : d.a;
}

double dist_param_value(const Distribution& d, const std::string& name) {
  return dist_param(const_cast<Distribution&>(d), name);
}

std::string support_text(Support support) {
  switch (support) {
    case Support::OpenUnit:
      return "on (0, 1)";
    case Support::ClosedUnit:
      return "on [0, 1]";
    case Support::NonNegative:
      return ">= 0";
    case Support::Positive:
      return "> 0";
    default:
      return "a category";
  }
}

std::string allowed_dists_text(const DistributionKey& key) {
  std::string out;
  for (DistKind kind : key.allowed) out += (out.empty() ? "" : ", ") + std::string(dist_name(kind));
  return out;
}

std::string check_distribution(const DistributionKey& key, const Distribution& d, std::string* field) {
  field->clear();
  const Support s = key.support;
  const bool unit = s == Support::OpenUnit || s == Support::ClosedUnit;
  auto fail = [field](const std::string& f, const std::string& problem) {
    *field = f;
    return problem;
  };
  bool allowed = false;
  for (DistKind kind : key.allowed) allowed = allowed || kind == d.kind;
  if (!allowed)
    return fail("", "dist = \"" + std::string(dist_name(d.kind)) + "\" is not allowed for " + key.key +
                        ", whose values are " + support_text(s) + "; allowed: " + allowed_dists_text(key));
  for (const std::string& p : dist_params(d.kind))
    if (p != "p" && !finite_float(dist_param_value(d, p))) return fail(p, "must be a finite number");
  switch (d.kind) {
    case DistKind::Fixed: {
      const double v = d.a;
      const bool ok = s == Support::OpenUnit      ? (v > 0 && v < 1)
                      : s == Support::ClosedUnit  ? (v >= 0 && v <= 1)
                      : s == Support::NonNegative ? v >= 0
                                                  : v > 0;
      if (!ok) return fail("value", num(v) + " is outside the support of " + key.key + " (" + support_text(s) + ")");
      return {};
    }
    case DistKind::Uniform:
      if (!(d.a < d.b))
        return fail("high", "must be greater than low (got low = " + num(d.a) + ", high = " + num(d.b) +
                                "; use dist = \"fixed\" for a single value)");
      if ((s == Support::Positive || s == Support::NonNegative || unit) && d.a < 0)
        return fail("low", num(d.a) + " is outside the support of " + key.key + " (" + support_text(s) + ")");
      if (unit && d.b > 1)
        return fail("high", num(d.b) + " is outside the support of " + key.key + " (" + support_text(s) + ")");
      return {};
    case DistKind::Normal:
      if (s == Support::NonNegative && d.a < 0)
        return fail("mean", "must be >= 0 for " + key.key + " (draws below 0 are clamped to 0)");
      if (s == Support::Positive && d.a <= 0)
        return fail("mean", "must be > 0 for " + key.key + " (draws are clamped to at least 0.001)");
      [[fallthrough]];
    case DistKind::LogitNormal:
      if (d.b < 0) return fail("sd", "must be >= 0, got " + num(d.b));
      return {};
    case DistKind::Beta:
      if (!(d.a > 0)) return fail("a", "must be > 0, got " + num(d.a));
      if (!(d.b > 0)) return fail("b", "must be > 0, got " + num(d.b));
      return {};
    case DistKind::Categorical: {
      const int expected = static_cast<int>(key.categories.size());
      std::string names;
      for (const std::string& c : key.categories) names += (names.empty() ? "" : ", ") + c;
      if (d.n != expected)
        return fail(
            "p", "expected " + std::to_string(expected) + " probabilities (" + names + "), got " + std::to_string(d.n));
      double sum = 0.0;
      for (int i = 0; i < d.n; ++i) {
        if (!(d.p[i] >= 0) || !finite_float(d.p[i]))
          return fail("p", "probabilities must be finite and >= 0, got " + num(d.p[i]) + " for " + key.categories[i]);
        sum += d.p[i];
      }
      if (std::fabs(sum - 1.0) > 1e-6)
        return fail("p", "probabilities must sum to 1 (within 1e-6), got " + num(static_cast<float>(sum)));
      return {};
    }
    case DistKind::Start:
      return {};
  }
  return {};
}

}  // namespace learnrace
