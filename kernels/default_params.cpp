#include <initializer_list>

#include "params.hpp"
#include "proposition_table.hpp"

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
/// A proposition's default coefficients: intercept b0 and slope 1 for each factor it names
/// (kernels/proposition_table.hpp).
PropositionBeta named(const char* factors) {
  PropositionBeta b;
  b.b0 = -1.0f;
  for (const char* letter = factors; *letter; ++letter) b.beta[factor_of_letter(*letter)] = 1.0f;
  return b;
}
}  // namespace

ModelParams default_params() {
  ModelParams p;
  for (int f = 0; f < kFirms; ++f)
    for (int k = 0; k < kFirmFactors; ++k) {
      p.init_factor[f][k] = logit_normal(0.0f, 1.0f);
      p.level_factor[f][k].kind = DistKind::Start;
    }
  p.init_relation = uniform(0.0f, 10.0f);
  p.init_knowledge[FirmA] = uniform(0.5f, 1.5f);
  p.init_knowledge[FirmB] = uniform(0.5f, 1.5f);
  p.init_equity = fixed(0.5f);
  p.init_intent[FirmA] = categorical({0.6f, 0.2f, 0.2f});
  p.init_intent[FirmB] = categorical({0.6f, 0.2f, 0.2f});
  // Ongoing alliances: "our propositions will be limited to ongoing alliance processes" [002:222], so no firm
  // starts in Avoidance (index = Strategy code: AVO, ACC, CPR, CPT, COL).
  p.init_strategy[FirmA] = categorical({0.0f, 0.25f, 0.25f, 0.25f, 0.25f});
  p.init_strategy[FirmB] = categorical({0.0f, 0.25f, 0.25f, 0.25f, 0.25f});
  for (const PropositionInfo& info : kPropositionInfo) p.beta[info.proposition] = named(info.factors);
  return p;
}

}  // namespace learnrace
