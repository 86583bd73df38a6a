// Sampling of initial conditions from a configured Distribution, with counter-based draws.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"

namespace learnrace {

namespace detail {
/// Marsaglia-Tsang gamma(shape >= 1) with a bounded number of attempts (deterministic: attempt k
/// uses stream word `stream | k << kAttemptShift`); acceptance is > 95% per attempt.
LR_HD LR_INLINE float gamma_ge1(const RandomGenerator& rng, uint32_t stream, float shape, uint32_t salt) {
  const float d = shape - 1.0f / 3.0f;
  const float c = 1.0f / sqrtf(9.0f * d);
  for (uint32_t k = 1; k < 32; ++k) {
    const Draw4 w = rng.draw(rng_stream::kInitPeriod, stream | ((2u * k + salt) << rng_stream::kAttemptShift));
    float z, unused;
    normal_pair(w.v[0], w.v[1], &z, &unused);
    const float t = 1.0f + c * z;
    if (t <= 0.0f) continue;
    const float v = t * t * t;
    const float u = u01_open(w.v[2]);
    if (lr_log(u) < 0.5f * z * z + d - d * v + d * lr_log(v)) return d * v;
  }
  return d;  // practically unreachable (probability < 1e-40)
}

LR_HD LR_INLINE float gamma_variate(const RandomGenerator& rng, uint32_t stream, float shape, uint32_t salt,
                                    float boost_uniform) {
  if (shape >= 1.0f) return gamma_ge1(rng, stream, shape, salt);
  // gamma(a) = gamma(a + 1) U^{1/a} for a < 1
  return gamma_ge1(rng, stream, shape + 1.0f, salt) * lr_exp(lr_log(boost_uniform) / shape);
}
}  // namespace detail

/// Draw a real value from d for one dyad. Uses the words of draw (period kInitPeriod, stream);
/// Beta draws more words from the same stream's attempt counters.
LR_HD LR_INLINE float sample_real(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind == DistKind::Fixed) return d.a;  // no draw needed (draws are counter-based: nothing shifts)
  const Draw4 w = rng.draw(rng_stream::kInitPeriod, stream);
  switch (d.kind) {
    case DistKind::Uniform:
      return d.a + (d.b - d.a) * u01_open(w.v[0]);
    case DistKind::Normal:
    case DistKind::LogitNormal: {
      float z, unused;
      normal_pair(w.v[0], w.v[1], &z, &unused);
      const float v = d.a + d.b * z;
      return d.kind == DistKind::Normal ? v : lr_sigmoid(v);
    }
    case DistKind::Beta: {
      const float x = detail::gamma_variate(rng, stream, d.a, 0u, u01_open(w.v[2]));
      const float y = detail::gamma_variate(rng, stream, d.b, 1u, u01_open(w.v[3]));
      return x / (x + y);
    }
    default:
      return d.a;
  }
}

/// Latent logit of a (0,1) factor: exact for LogitNormal (no round trip), else logit(clamped value).
LR_HD LR_INLINE float sample_latent(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind == DistKind::LogitNormal) {
    const Draw4 w = rng.draw(rng_stream::kInitPeriod, stream);
    float z, unused;
    normal_pair(w.v[0], w.v[1], &z, &unused);
    return d.a + d.b * z;
  }
  return lr_logit(sample_real(d, rng, stream));
}

/// Draw a category index (Categorical) or the rounded fixed value.
LR_HD LR_INLINE int32_t sample_category(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind != DistKind::Categorical) return static_cast<int32_t>(d.a);
  const float u = u01_open(rng.draw(rng_stream::kInitPeriod, stream).v[0]);
  float cumulative = 0.0f;
  for (int32_t k = 0; k < d.n - 1; ++k) {
    cumulative += d.p[k];
    if (u < cumulative) return k;
  }
  return d.n - 1;
}

}  // namespace learnrace
