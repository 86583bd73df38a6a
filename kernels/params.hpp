// Parameters of one sweep point: a plain, trivially copyable struct (copied to the GPU as is).
// Defaults are the bracketed values of MODEL.md; host/config_keys.cpp maps every field to its TOML key.
#pragma once

#include <type_traits>

#include "hd.hpp"

namespace learnrace {

enum class KernelType : int32_t { Propositional = 0, Strategic = 1 };

// Hamel (1991) 3a: a partner's intent shapes its receptivity.
enum Intent : int32_t { Internalization = 0, Substitution = 1, ResourceConcentration = 2 };
constexpr int32_t kIntents = 3;

enum class DistKind : int32_t { Fixed = 0, Uniform = 1, Normal = 2, LogitNormal = 3, Beta = 4, Categorical = 5 };

/// An initial-condition distribution. Fixed(a); Uniform(a=low, b=high); Normal(a=mean, b=sd);
/// LogitNormal(a=mean, b=sd of the logit); Beta(a, b); Categorical(p[0..n-1]).
struct Distribution {
  DistKind kind = DistKind::Fixed;
  float a = 0.0f;
  float b = 0.0f;
  float p[5] = {0, 0, 0, 0, 0};
  int32_t n = 0;
};

/// Latent OU-with-jumps shock of one dyad factor on the logit scale (MODEL.md section 4):
/// z' = mu + phi (z - mu) + sigma eps + J Bernoulli(p_jump) sign.
struct FactorShock {
  float mu = 0.0f;
  float phi = 0.95f;
  float sigma = 0.1f;
  float p_jump = 0.01f;
  float jump_size = 1.0f;
};

// Situational factors, in this order everywhere (bins, trajectories, beta coefficients).
enum Factor : int32_t { Trust = 0, Stakes = 1, Orientation = 2, Relation = 3 };
constexpr int32_t kFactors = 4;

// Empowering propositions of Larsson et al. P6-P9 (the table of MODEL.md section 5a).
enum Proposition : int32_t { P6a = 0, P6b = 1, P7a = 2, P7b = 3, P8 = 4, P9 = 5, NoProposition = -1 };
constexpr int32_t kPropositions = 6;

/// p_emp = sigmoid(b0 + sum_k beta[k] * factor_k); only the factors a proposition names are
/// configurable, the others stay 0.
struct PropositionBeta {
  float b0 = -1.0f;
  float beta[kFactors] = {0, 0, 0, 0};  // Trust, Stakes, Orientation, Relation
};

enum Cause : int32_t {
  Censored = 0,
  Disintegration = 1,  // mutual avoidance (Larsson P5)
  RaceWonByA = 2,      // Hamel 1b
  RaceWonByB = 3,
  ExploitedAWithdraws = 4,  // Larsson: friendly exploitation dissolves sooner or later
  ExploitedBWithdraws = 5,
  ExogenousHazard = 6,
};
constexpr int32_t kCauses = 7;

struct ModelParams {
  // --- run shape (identical for all points of a run) ---
  int32_t periods = 100;  // T_max
  uint32_t seed = 1;
  uint32_t point_key = 0;  // Philox key word 1: the point index, or 0 under common random numbers
  int32_t factor_bins = 4;
  int32_t hist_bins = 40;
  float joint_max = 4.0f;             // upper edge of the joint-learning histogram
  float relation_bin_max = 20.0f;     // upper edge of the R bins (last bin open)
  uint64_t trajectory_stride = 1000;  // dyads with id % stride == 0 ...
  uint32_t trajectory_max = 1000;     // ... and id / stride < max are recorded per period

  KernelType kernel = KernelType::Propositional;

  // --- strategies (Larsson Fig. 1) ---
  float level[3] = {0.0f, 0.5f, 1.0f};  // Low, Moderate, High

  // --- knowledge flows (Larsson Fig. 2) ---
  float kappa_c = 0.5f;
  float kappa_x = 0.5f;
  float lambda = 0.1f;

  // --- absorptive / communicative capacity (Cohen-Levinthal; Doz) ---
  float alpha0 = 0.6f;
  float gamma0 = 0.6f;
  float r0 = 5.0f;

  // --- bargaining power (Hamel 2b) ---
  float w_legal = 0.2f;

  // --- endogenous trust and relation ---
  float eta_up = 0.10f;
  float eta_down = 0.30f;
  float delta_r = 0.02f;

  FactorShock shock[3];  // Trust, Stakes, Orientation

  // --- initial conditions ---
  Distribution init_factor[3];  // Trust, Stakes, Orientation on (0, 1)
  Distribution init_relation;
  Distribution init_knowledge[2];  // U_A, U_B
  Distribution init_equity;        // equity_A; equity_B = 1 - equity_A
  Distribution init_intent[2];
  Distribution init_strategy[2];

  float receptivity_cap[kIntents] = {1.0f, 0.25f, 0.5f};

  // --- termination (MODEL.md section 6) ---
  int32_t avoid_periods = 2;
  float exit_knowledge = 0.9f;
  float exit_power = 0.6f;
  float exploit_tolerance = 3.0f;
  float hazard = 0.005f;

  // --- propositional kernel (MODEL.md section 5a) ---
  float p_barrier = 0.3f;
  float epsilon = 0.01f;
  PropositionBeta beta[kPropositions];

  // --- strategic kernel (MODEL.md section 5b) ---
  float beta_qre = 100.0f;
  float inertia = 0.5f;
  float w_stakes = 1.0f;
  float w_leak = 1.0f;
  float w_power = 2.0f;
  float w_continuation = 0.1f;
  float cost_transparency = 0.01f;
  float cost_receptivity = 0.01f;
  float gate_g0 = 0.0f;
  float gate_orientation = 2.0f;
  float gate_trust = 2.0f;
  float gate_relation = 1.0f;
};

static_assert(std::is_trivially_copyable<ModelParams>::value, "ModelParams is copied to the GPU bytewise");

/// The defaults of MODEL.md, including initial-condition distributions and proposition betas.
ModelParams default_params();

}  // namespace learnrace
