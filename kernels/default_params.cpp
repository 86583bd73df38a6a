#include <initializer_list>

#include "params.hpp"

namespace learnrace {

namespace {
Distribution fixed(float v) {
  Distribution d;
  d.kind = DistKind::Fixed;
  d.a = v;
  return d;
}
Distribution uniform(float lo, float hi) {
  Distribution d;
  d.kind = DistKind::Uniform;
  d.a = lo;
  d.b = hi;
  return d;
}
Distribution logit_normal(float mean, float sd) {
  Distribution d;
  d.kind = DistKind::LogitNormal;
  d.a = mean;
  d.b = sd;
  return d;
}
Distribution categorical(std::initializer_list<float> p) {
  Distribution d;
  d.kind = DistKind::Categorical;
  for (float v : p) d.p[d.n++] = v;
  return d;
}
PropositionBeta named(std::initializer_list<Factor> factors) {
  PropositionBeta b;
  b.b0 = -1.0f;
  for (Factor f : factors) b.beta[f] = 1.0f;
  return b;
}
}  // namespace

ModelParams default_params() {
  ModelParams p;
  for (int k = 0; k < 3; ++k) p.init_factor[k] = logit_normal(0.0f, 1.0f);
  p.init_relation = uniform(0.0f, 10.0f);
  p.init_knowledge[0] = uniform(0.5f, 1.5f);
  p.init_knowledge[1] = uniform(0.5f, 1.5f);
  p.init_equity = fixed(0.5f);
  p.init_intent[0] = categorical({0.6f, 0.2f, 0.2f});
  p.init_intent[1] = categorical({0.6f, 0.2f, 0.2f});
  p.init_strategy[0] = categorical({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  p.init_strategy[1] = categorical({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  // The factors each proposition names (MODEL.md section 5a): P6: S,R; P7: T,L,R; P8: S,T,R; P9: T,L.
  p.beta[P6a] = named({Stakes, Relation});
  p.beta[P6b] = named({Stakes, Relation});
  p.beta[P7a] = named({Trust, Orientation, Relation});
  p.beta[P7b] = named({Trust, Orientation, Relation});
  p.beta[P8] = named({Stakes, Trust, Relation});
  p.beta[P9] = named({Trust, Orientation});
  return p;
}

}  // namespace learnrace
