// Initial-condition distributions (kernels/distributions.hpp): sample mean and variance of every
// DistKind, and categorical frequencies, drawn exactly as simulate_dyad draws them (one counter per
// dyad id, period word kInitPeriod, a named stream).
//
// Tolerances: k = 5 standard errors. Mean: SE = sigma / sqrt(N) with the exact sigma. Variance:
// SE = sqrt((mu4 - sigma^4) / N) with the sample fourth central moment mu4. Frequencies: SE =
// sqrt(p (1 - p) / N). The seeds are fixed, so the tests are deterministic; k = 5 keeps them robust
// to legitimate re-seeding (a correct sampler fails one check with probability < 6e-7) while any
// bias above 5 SE (about 1% of sigma at N = 2e5) fails.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "distributions.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using test::categorical_dist;
using test::fixed_dist;
using test::two_param_dist;

constexpr int kN = 200000;
constexpr double kK = 5.0;

struct SampleMoments {
  double n = 0, mean = 0, var = 0, m4 = 0, min = 1e300, max = -1e300;
};

SampleMoments moments(const std::vector<double>& x) {
  SampleMoments m;
  m.n = static_cast<double>(x.size());
  for (double v : x) {
    m.mean += v;
    m.min = std::fmin(m.min, v);
    m.max = std::fmax(m.max, v);
  }
  m.mean /= m.n;
  for (double v : x) {
    const double d = v - m.mean;
    m.var += d * d;
    m.m4 += d * d * d * d;
  }
  m.var /= m.n;
  m.m4 /= m.n;
  return m;
}

std::vector<double> draw_real(const Distribution& d, uint32_t seed, uint32_t stream = rng_stream::init_relation) {
  std::vector<double> x(kN);
  for (int i = 0; i < kN; ++i) x[i] = sample_real(d, SeededRandomGenerator(seed, 0u, static_cast<uint64_t>(i)), stream);
  return x;
}

void expect_moments(const SampleMoments& m, double mean, double var, const char* what) {
  EXPECT_NEAR(m.mean, mean, kK * std::sqrt(var / m.n)) << what << ": mean";
  EXPECT_NEAR(m.var, var, kK * std::sqrt((m.m4 - m.var * m.var) / m.n)) << what << ": variance";
}

TEST(Distributions, FixedIsExact) {
  const Distribution d = fixed_dist(0.3f);
  for (int i = 0; i < 1000; ++i) {
    const SeededRandomGenerator rng(1u, 0u, static_cast<uint64_t>(i));
    EXPECT_EQ(sample_real(d, rng, rng_stream::init_relation), 0.3f);
    EXPECT_EQ(sample_latent(d, rng, rng_stream::init_trust_a), lr_logit(0.3f));
  }
  // A fixed category is the rounded-down value (intent / strategy fixed by code).
  EXPECT_EQ(sample_category(fixed_dist(4.0f), SeededRandomGenerator(1u, 0u, 0u), rng_stream::init_strategy_a), 4);
}

TEST(Distributions, UniformMeanVarianceAndSupport) {
  const SampleMoments m = moments(draw_real(two_param_dist(DistKind::Uniform, 0.5f, 1.5f), 11u));
  expect_moments(m, 1.0, 1.0 / 12.0, "Uniform(0.5, 1.5)");
  EXPECT_GT(m.min, 0.5);
  EXPECT_LT(m.max, 1.5);
}

TEST(Distributions, NormalMeanVariance) {
  const SampleMoments m = moments(draw_real(two_param_dist(DistKind::Normal, 2.0f, 0.5f), 12u));
  expect_moments(m, 2.0, 0.25, "Normal(2, 0.5)");
}

TEST(Distributions, LogitNormalMeanVarianceAndLatentConsistency) {
  // E[sigmoid(a + b Z)] and its variance have no closed form: Simpson's rule in double on
  // z in [-12, 12] (truncation < 1e-30, quadrature error < 1e-12).
  const double a = 0.3, b = 1.2;
  double e1 = 0.0, e2 = 0.0;
  const int steps = 24000;
  const double h = 24.0 / steps;
  for (int i = 0; i <= steps; ++i) {
    const double z = -12.0 + i * h;
    const double w = (i == 0 || i == steps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
    const double s = 1.0 / (1.0 + std::exp(-(a + b * z)));
    e1 += w * s * phi;
    e2 += w * s * s * phi;
  }
  e1 *= h / 3.0;
  e2 *= h / 3.0;
  const Distribution d = two_param_dist(DistKind::LogitNormal, static_cast<float>(a), static_cast<float>(b));
  const SampleMoments m = moments(draw_real(d, 13u));
  expect_moments(m, e1, e2 - e1 * e1, "LogitNormal(0.3, 1.2)");
  EXPECT_GT(m.min, 0.0);
  EXPECT_LT(m.max, 1.0);
  // The latent logit is exact: sample_real = sigmoid(sample_latent), bit for bit, and the latent
  // itself is Normal(a, b).
  std::vector<double> latent(kN);
  for (int i = 0; i < kN; ++i) {
    const SeededRandomGenerator rng(13u, 0u, static_cast<uint64_t>(i));
    const float z = sample_latent(d, rng, rng_stream::init_relation);
    latent[i] = z;
    ASSERT_EQ(lr_sigmoid(z), sample_real(d, rng, rng_stream::init_relation)) << i;
  }
  expect_moments(moments(latent), a, b * b, "latent of LogitNormal(0.3, 1.2)");
}

TEST(Distributions, LatentOfNonLogitKindsIsLogitOfTheValue) {
  const Distribution d = two_param_dist(DistKind::Uniform, 0.2f, 0.8f);
  for (int i = 0; i < 1000; ++i) {
    const SeededRandomGenerator rng(14u, 0u, static_cast<uint64_t>(i));
    EXPECT_EQ(sample_latent(d, rng, rng_stream::init_stakes_a),
              lr_logit(sample_real(d, rng, rng_stream::init_stakes_a)));
  }
}

TEST(Distributions, BetaMeanVarianceAndSupport) {
  // Both gamma paths: shape >= 1 (Marsaglia-Tsang) and shape < 1 (boosted by U^{1/a}).
  struct Case {
    float a, b;
  };
  for (const Case c : {Case{2.0f, 5.0f}, Case{0.5f, 0.5f}, Case{0.7f, 3.0f}, Case{3.0f, 0.7f}, Case{1.0f, 1.0f}}) {
    const double a = c.a, b = c.b;
    const double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
    const SampleMoments m = moments(draw_real(two_param_dist(DistKind::Beta, c.a, c.b), 15u));
    const std::string what = "Beta(" + std::to_string(a) + ", " + std::to_string(b) + ")";
    expect_moments(m, mean, var, what.c_str());
    EXPECT_GE(m.min, 0.0) << what;
    EXPECT_LE(m.max, 1.0) << what;
  }
}

TEST(Distributions, BetaHalvesUseIndependentWords) {
  // The two gamma variates of a Beta draw come from different attempt counters (salt 0 / 1): with
  // a = b the draw is symmetric about 1/2, so the share below 1/2 is 1/2 within 5 SE.
  int below = 0;
  for (double v : draw_real(two_param_dist(DistKind::Beta, 3.0f, 3.0f), 16u)) below += v < 0.5;
  EXPECT_NEAR(below / static_cast<double>(kN), 0.5, kK * test::binomial_se(0.5, kN));
}

void expect_frequencies(const Distribution& d, const std::vector<double>& p, uint32_t seed, uint32_t stream) {
  std::vector<int> count(p.size(), 0);
  for (int i = 0; i < kN; ++i) {
    const int32_t k = sample_category(d, SeededRandomGenerator(seed, 0u, static_cast<uint64_t>(i)), stream);
    ASSERT_GE(k, 0);
    ASSERT_LT(k, static_cast<int32_t>(p.size()));
    ++count[k];
  }
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k] == 0.0) {
      EXPECT_EQ(count[k], 0) << "category " << k << " has probability 0";
    } else {
      EXPECT_NEAR(count[k] / static_cast<double>(kN), p[k], kK * test::binomial_se(p[k], kN)) << "category " << k;
    }
  }
}

TEST(Distributions, CategoricalFrequencies) {
  expect_frequencies(categorical_dist({0.1f, 0.2f, 0.3f, 0.4f}), {0.1, 0.2, 0.3, 0.4}, 17u, rng_stream::init_intent_a);
  expect_frequencies(categorical_dist({0.0f, 0.5f, 0.5f}), {0.0, 0.5, 0.5}, 18u, rng_stream::init_intent_b);
  // The default initial strategy and intent distributions.
  const ModelParams p = default_params();
  expect_frequencies(p.init_strategy[0], {0.0, 0.25, 0.25, 0.25, 0.25}, 19u,
                     rng_stream::init_strategy_a);  // ongoing: no AVO
  expect_frequencies(p.init_intent[1], {0.6, 0.2, 0.2}, 20u, rng_stream::init_intent_b);
}

TEST(Distributions, StreamsAreIndependent) {
  // Trust and stakes of the same dyad come from different streams: their latent logits (both
  // LogitNormal(0, 1) by default) are uncorrelated, |r| < 5 / sqrt(N).
  const ModelParams p = default_params();
  double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < kN; ++i) {
    const SeededRandomGenerator rng(21u, 0u, static_cast<uint64_t>(i));
    const double x = sample_latent(p.init_factor[FirmA][Trust], rng, rng_stream::init_trust_a);
    const double y = sample_latent(p.init_factor[FirmA][Stakes], rng, rng_stream::init_stakes_a);
    sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
  }
  const double n = kN;
  const double r = (sxy / n - sx / n * sy / n) / std::sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
  EXPECT_NEAR(r, 0.0, kK / std::sqrt(n));
}

}  // namespace
}  // namespace learnrace
