// Parameters of one sweep point: a plain, trivially copyable struct (copied to the GPU as is).
// Defaults are in kernels/default_params.cpp (docs/model.md section 19 states each one and the target it was
// set for); host/config_keys.cpp maps every field to its TOML key.
#pragma once

#include <type_traits>

#include "hd.hpp"

namespace learnrace {

enum class KernelType : int32_t { Propositional = 0, Strategic = 1 };

// Hamel (1991) 3a: a partner's intent shapes its receptivity.
enum Intent : int32_t { Internalization = 0, Substitution = 1, ResourceConcentration = 2 };
constexpr int32_t kIntents = 3;

// The two firms of a dyad.
enum Firm : int32_t { FirmA = 0, FirmB = 1 };
constexpr int32_t kFirms = 2;

/// Start: only for a factor's long-run level (level.*): the level is the factor's start value, not a draw.
enum class DistKind : int32_t {
  Fixed = 0,
  Uniform = 1,
  Normal = 2,
  LogitNormal = 3,
  Beta = 4,
  Categorical = 5,
  Start = 6
};

/// An initial-condition distribution. Fixed(a); Uniform(a=low, b=high); Normal(a=mean, b=sd);
/// LogitNormal(a=mean, b=sd of the logit); Beta(a, b); Categorical(p[0..n-1]).
struct Distribution {
  DistKind kind = DistKind::Fixed;
  float a = 0.0f;
  float b = 0.0f;
  float p[5] = {0, 0, 0, 0, 0};
  int32_t n = 0;
};

/// Shock of one firm factor on the logit scale (docs/model.md section 14): the factor's latent z reverts to the
/// firm's own level m, z' = m + phi (z - m) + sigma (sqrt(rho) eps_common + sqrt(1 - rho) eps_firm) + jump.
struct FactorShock {
  float phi = 0.9f;
  float sigma = 0.15f;
  float rho = 0.5f;  // correlation of the two firms' normal shocks
  float p_jump = 0.01f;
  float jump_size = 1.0f;
  int32_t jump_common = 0;  // 1: one jump hits both firms (same sign); 0: each firm jumps on its own
};

// Situational factors (Larsson et al. 1998): trust, learning stakes and long-term orientation belong to each
// firm; prior related interaction R to the dyad. In this order in the propositions' linear predictors.
enum Factor : int32_t { Trust = 0, Stakes = 1, Orientation = 2, Relation = 3 };
constexpr int32_t kFactors = 4;
constexpr int32_t kFirmFactors = 3;  // Trust, Stakes, Orientation: one per firm

// Empowering propositions of Larsson et al. P6-P9 (kernels/proposition_table.hpp).
enum Proposition : int32_t { P6a = 0, P6b = 1, P7a = 2, P7b = 3, P8 = 4, P9 = 5, NoProposition = -1 };
constexpr int32_t kPropositions = 6;

/// p_emp = sigmoid(b0 + sum_k beta[k] * factor_k); only the factors a proposition names are
/// configurable, the others stay 0.
struct PropositionBeta {
  float b0 = -1.0f;
  float beta[kFactors] = {0, 0, 0, 0};  // Trust, Stakes, Orientation, Relation
};

/// The barrier move's probability, a logistic of the mover's own factors and suspicion (docs/model.md
/// section 11): p_bar = sigmoid(b0 - trust z_T - orientation z_L - relation R~ + suspicion b), b the firm's belief
/// that the partner exploits it.
struct BarrierBeta {
  float b0 = -3.5f;
  float trust = 0.5f;
  float orientation = 0.5f;
  float relation = 0.5f;
  float suspicion = 3.0f;   // on the firm's belief b in [0, 1] (docs/model.md section 10)
  float temptation = 1.5f;  // on the partner's transparency level, for a move to Competition [002:232, 250]
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

// --- scenario events (docs/model.md section 5) ---
enum EventVariable : int32_t {
  EventTrust = 0,           // firm: level and value of the factor (set: a value in (0,1); shift: logit units)
  EventStakes = 1,          // firm
  EventOrientation = 2,     // firm
  EventIntent = 3,          // firm: set only (intent code); resets the receptivity cap to the intent's
  EventStrategy = 4,        // firm: set only (strategy code)
  EventReceptivityCap = 5,  // firm: [0, 1]
  EventAlpha0 = 6,          // firm: absorptive capacity floor, (0, 1]
  EventGamma0 = 7,          // firm: communicative capacity floor, (0, 1]
  EventKnowledge = 8,       // firm: unique knowledge U (>= 1e-3)
  EventSuspicion = 9,       // firm: suspicion q
  EventRelation = 10,       // dyad: prior related interaction R (>= 0)
  EventHazard = 11,         // dyad: exogenous hazard per period, [0, 1]
};
constexpr int32_t kEventVariables = 12;
enum EventTarget : int32_t { TargetA = 0, TargetB = 1, TargetBoth = 2, TargetDyad = 3 };
enum EventOp : int32_t { OpSet = 0, OpShift = 1, OpScale = 2, OpRamp = 3 };
constexpr int32_t kMaxEvents = 8;
constexpr int32_t kNeverEnds = 0x7fffffff;

/// One scenario event: applied at the start of every period t in [first, last] (with probability
/// `probability` per dyad and period; at most once per dyad when `once`). A ramp moves the variable a
/// 1/(last - t + 1) part of the way to `value` each period, so it arrives at `last` (linear when nothing else moves
/// it).
struct Event {
  int32_t variable = EventTrust;
  int32_t target = TargetA;
  int32_t op = OpSet;
  int32_t first = 0;
  int32_t last = 0;
  int32_t once = 0;
  float value = 0.0f;
  float probability = 1.0f;
};

/// Per-firm constants that events may change in a dyad (start values of the dyad state).
struct FirmParams {
  float alpha0 = 0.6f;    // absorptive capacity floor (Cohen-Levinthal)
  float gamma0 = 0.6f;    // communicative capacity floor (Doz: tacit knowledge lowers it)
  float disguise = 0.0f;  // how much of its taking the partner fails to see (Larsson "well disguised")
};

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

  // --- absorptive / communicative capacity (Cohen-Levinthal; Doz), per firm; r0 shared ---
  FirmParams firm[kFirms];
  float r0 = 5.0f;

  // --- bargaining power (Hamel 2b) ---
  float w_legal = 0.2f;

  // --- endogenous trust and relation ---
  float eta_up = 0.05f;
  float eta_down = 0.5f;
  float trust_recovery_cap = 1.0f;  // after a detected exploitation, trust stays <= this (1: no cap)
  float delta_r = 0.02f;

  // --- perceived exploitation (docs/model.md section 10) ---
  float perception_noise = 0.5f;   // sd of misperception per unit of flow, at R = 0 (shrinks as e^{-R/r0})
  float perception_weight = 0.3f;  // weight of this period's perception in the suspicion average
  float detect_threshold = 0.3f;   // suspicion above which a firm has detected exploitation
  // Net outflow a firm expects to give, per intent: a firm that came for the partner's outputs, not its skills,
  // expects to give (docs/model.md section 10); only what exceeds it feeds suspicion.
  float expected_outflow[kIntents] = {0.0f, 0.75f, 0.4f};

  FactorShock shock[kFirmFactors];  // Trust, Stakes, Orientation

  // --- initial conditions ---
  Distribution init_factor[kFirms][kFirmFactors];   // per firm: Trust, Stakes, Orientation on (0, 1): the start
  Distribution level_factor[kFirms][kFirmFactors];  // the long-run level they revert to (Start: the start value)
  Distribution init_relation;
  Distribution init_knowledge[kFirms];  // U_A, U_B
  Distribution init_equity;             // equity_A; equity_B = 1 - equity_A
  Distribution init_intent[kFirms];
  Distribution init_strategy[kFirms];

  float receptivity_cap[kIntents] = {1.0f, 0.25f, 0.5f};

  // --- termination (docs/model.md section 15) ---
  int32_t avoid_periods = 3;
  float exit_knowledge = 0.8f;
  float exit_power_gain = 0.05f;  // bargaining power a winner must have gained in the alliance (Doz [001:93])
  float exploit_trust = 0.4f;     // "low trust": below this a detected exploitation counts toward withdrawal
  int32_t exploit_tolerance[kIntents] = {4, 12, 8};  // periods of sustained detected exploitation, per intent
  float hazard = 0.008f;

  // --- propositional kernel (docs/model.md section 11) ---
  float epsilon = 0.01f;
  float p_counter = 0.8f;  // a firm that has detected exploitation cuts its transparency (Larsson 002:241)
  float p_avoid = 0.3f;    // P5: the partner of an avoiding firm follows
  BarrierBeta barrier;
  PropositionBeta beta[kPropositions];
  // P8 from (CPR, CPR), moderation without a collaborative leader, has an intercept of its own (model v3): "the lack
  // of a collaborative leader might require a stronger set of favorable circumstances" [002:320].
  float p8_b0_moderation = -4.0f;

  // --- strategic kernel (docs/model.md section 12) ---
  float beta_qre = 100.0f;
  float inertia = 0.5f;
  float w_stakes = 1.0f;
  float w_leak = 1.0f;
  float w_power[kIntents] = {2.0f, 0.5f, 1.0f};  // weight of the race, per intent: only a learner races (Hamel)
  float vigilance[2] = {0.5f, 0.2f};  // expected counter of a partner at Moderate / High transparency one starts to
                                      // take from [002:241]; compromisers "are more guarded" [002:250]
  float deterrence = 0.5f;  // expected re-opening of an exploiting partner after retaliation, per unit belief [002:310]
  float w_continuation = 0.1f;
  float w_output[kIntents] = {0.0f, 0.1f, 0.05f};  // value of the joint tasks' outputs, per intent (Hamel)
  float cost_transparency = 0.01f;
  float cost_receptivity = 0.01f;
  float gate_g0 = -1.0f;
  float gate_orientation = 2.0f;
  float gate_trust = 2.0f;
  float gate_stakes = 2.0f;  // stakes motivate raising receptivity: "assertiveness increases with the stakes" [002:280]
  float gate_relation = 1.0f;

  // --- scenario events (docs/model.md section 5) ---
  int32_t n_events = 0;
  Event events[kMaxEvents];
};

static_assert(std::is_trivially_copyable<ModelParams>::value, "ModelParams is copied to the GPU bytewise");

/// The defaults (docs/model.md section 19), including initial-condition distributions and proposition betas.
ModelParams default_params();

}  // namespace learnrace
