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

// The value of a draw from the first words (w0, w1) of its Philox draw, lane-generic (U: uint32_t or a CPU SIMD
// vector of them, F the matching floats, I the matching integers: the CPU's lockstep SIMD path starts a block of
// dyads at once with the float operations of one dyad's start).

/// Every kind but Beta (which draws more words, sample_real): Uniform, Normal, LogitNormal; Fixed gives d.a.
template <class F, class U>
LR_HD LR_INLINE F real_of_words(const Distribution& d, U w0, U w1) {
  if (d.kind == DistKind::Uniform) return F(d.a) + F(d.b - d.a) * detail::u01_open_lanes(w0);
  if (d.kind == DistKind::Normal || d.kind == DistKind::LogitNormal) {
    F z, unused;
    detail::normal_pair_lanes(w0, w1, &z, &unused);
    const F v = F(d.a) + F(d.b) * z;
    return d.kind == DistKind::Normal ? v : detail::sigmoid_lanes(v);
  }
  return F(d.a);
}

/// Latent logit of a (0,1) factor, every kind but Beta: exact for LogitNormal (no round trip), else
/// logit(clamped value).
template <class F, class U>
LR_HD LR_INLINE F latent_of_words(const Distribution& d, U w0, U w1) {
  if (d.kind == DistKind::LogitNormal) {
    F z, unused;
    detail::normal_pair_lanes(w0, w1, &z, &unused);
    return F(d.a) + F(d.b) * z;
  }
  return detail::logit_lanes(real_of_words<F>(d, w0, w1));
}

/// The category of uniform u (Categorical: the first k whose cumulative probability exceeds u, else the last), or
/// the rounded fixed value.
template <class I, class F>
LR_HD LR_INLINE I category_of_uniform(const Distribution& d, F u) {
  if (d.kind != DistKind::Categorical) return I(static_cast<int32_t>(d.a));
  // r == n - 1 until the first hit (k < n - 1). No array: on a GPU a local array indexed at run time lives in
  // (slow) local memory.
  const I last(d.n - 1);
  I r = last;
  float cumulative = 0.0f;
  for (int32_t k = 0; k < d.n - 1; ++k) {
    cumulative += d.p[k];
    r = lr_select((u < F(cumulative)) & (r == last), I(k), r);
  }
  return r;
}

/// Draw a real value from d for one dyad. Uses the words of draw (period kInitPeriod, stream);
/// Beta draws more words from the same stream's attempt counters.
LR_HD LR_INLINE float sample_real(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind == DistKind::Fixed) return d.a;  // no draw needed (draws are counter-based: nothing shifts)
  const Draw4 w = rng.draw(rng_stream::kInitPeriod, stream);
  if (d.kind == DistKind::Beta) {
    const float x = detail::gamma_variate(rng, stream, d.a, 0u, u01_open(w.v[2]));
    const float y = detail::gamma_variate(rng, stream, d.b, 1u, u01_open(w.v[3]));
    return x / (x + y);
  }
  return real_of_words<float>(d, w.v[0], w.v[1]);
}

/// Latent logit of a (0,1) factor: exact for LogitNormal (no round trip), else logit(clamped value).
LR_HD LR_INLINE float sample_latent(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind == DistKind::Fixed || d.kind == DistKind::Beta) return lr_logit(sample_real(d, rng, stream));
  const Draw4 w = rng.draw(rng_stream::kInitPeriod, stream);
  return latent_of_words<float>(d, w.v[0], w.v[1]);
}

/// Draw a category index (Categorical) or the rounded fixed value.
LR_HD LR_INLINE int32_t sample_category(const Distribution& d, const RandomGenerator& rng, uint32_t stream) {
  if (d.kind != DistKind::Categorical) return static_cast<int32_t>(d.a);
  return category_of_uniform<int32_t>(d, u01_open(rng.draw(rng_stream::kInitPeriod, stream).v[0]));
}

}  // namespace learnrace
