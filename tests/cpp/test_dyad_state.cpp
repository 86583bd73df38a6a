// The dyad state registry (kernels/dyad_state.hpp): its drawn members and clear_learning_state rebuild a dyad's whole
// start, which is what the CUDA backend's init ring relies on (it carries only the drawn members, as 32-bit words,
// and clears the rest in the lane that pops them); set_param_state sets exactly the members of start `param`.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "simulate_dyad.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

template <class T>
uint32_t word_of(const T& v) {
  static_assert(sizeof(T) == sizeof(uint32_t), "state members are 32-bit");
  uint32_t w;
  std::memcpy(&w, &v, sizeof w);
  return w;
}

/// Every element of every member of two states, as words, in table order.
std::vector<uint32_t> words(DyadState& s) {
  std::vector<uint32_t> out;
  DyadState unused = s;
  for_each_state_member(s, unused, [&](const auto& x, const auto&) { out.push_back(word_of(x)); });
  return out;
}

TEST(DyadState, DrawnMembersAndTheClearedRestRebuildTheStart) {
  ModelParams p = default_params();
  p.init_factor[FirmA][Trust] = Distribution{DistKind::Beta, 2.0f, 3.0f};
  p.init_strategy[FirmB] = test::categorical_dist({0.1f, 0.2f, 0.3f, 0.2f, 0.2f});
  p.firm[FirmB].alpha0 = 0.3f;
  const PointConstants pc = point_constants(p);
  for (uint64_t dyad : {0ull, 1ull, 77ull, 123456789ull}) {
    DyadState start = dyad_start(p, pc, dyad);
    std::vector<uint32_t> ring;
    for_each_drawn_member(start, [&](const auto& v) { ring.push_back(word_of(v)); });
    EXPECT_EQ(static_cast<int32_t>(ring.size()), kDrawnStateWords);

    DyadState popped;
    std::memset(&popped, 0xff, sizeof popped);  // NaN floats, -1 integers: a member nobody sets stays so
    size_t i = 0;
    for_each_drawn_member(popped, [&](auto& v) { std::memcpy(&v, &ring[i++], sizeof v); });
    clear_learning_state(p, popped);
    EXPECT_EQ(words(popped), words(start)) << "dyad " << dyad;
  }
}

/// Which elements of a state differ from the other's, in table order.
std::vector<bool> changed(DyadState& a, DyadState& b) {
  const std::vector<uint32_t> x = words(a), y = words(b);
  std::vector<bool> out;
  for (size_t i = 0; i < x.size(); ++i) out.push_back(x[i] != y[i]);
  return out;
}

TEST(DyadState, SetParamStateSetsExactlyTheParamMembers) {
  // The CUDA kernel without events sets these every period instead of carrying them: it must set all of them and
  // nothing else.
  ModelParams p = default_params();
  p.hazard = 0.25f;
  p.firm[FirmA].alpha0 = 0.3f;
  DyadState before;
  std::memset(&before, 0xff, sizeof before);
  before.a.intent = Substitution;
  before.b.intent = ResourceConcentration;
  DyadState param_zeroed = before;
  for_each_member_of<StateStart::param>(param_zeroed, [](auto& v) { v = {}; });
  DyadState after = before;
  set_param_state(p, after);
  EXPECT_EQ(changed(before, after), changed(before, param_zeroed));
  EXPECT_EQ(after.a.receptivity_cap, p.receptivity_cap[Substitution]);
  EXPECT_EQ(after.hazard, 0.25f);
}

TEST(DyadState, EveryMemberIsVisitedOnce) {
  // for_each_state_member moves a dyad into a SIMD lane and out: it must see all of the state's bytes.
  DyadState s{};
  EXPECT_EQ(words(s).size() * sizeof(uint32_t), sizeof(DyadState));
}

}  // namespace
}  // namespace learnrace
