// The output schema registry (kernels/output_fields.hpp, host/output_schema.cpp): one list that the layout,
// the records of sampled dyads, the backends' buffers, RunResult and the file schema all follow.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "output_layout.hpp"
#include "output_schema.hpp"
#include "run_result.hpp"

namespace learnrace {
namespace {

namespace os = output_schema;

OutputShape shape_of(int64_t periods, int64_t bins, int64_t hist) {
  OutputShape s;
  s.points = 1;
  s.periods = periods;
  s.factor_bins = bins;
  s.hist_bins = hist;
  return s;
}

TEST(OutputSchema, CountSectionsTileTheLayoutInRegistryOrder) {
  for (const auto& [periods, bins, hist] : {std::tuple{17, 3, 11}, std::tuple{1, 1, 1}, std::tuple{100, 4, 40}}) {
    ModelParams p = default_params();
    p.periods = periods;
    p.factor_bins = bins;
    p.hist_bins = hist;
    const OutputLayout l = OutputLayout::make(p);
    uint64_t next = 0, period_end = 0;
    bool per_dyad_seen = false;
    for (const os::DatasetSpec& spec : os::count_sections()) {
      EXPECT_EQ(l.offset(static_cast<Section>(spec.index)), next) << spec.name;
      uint64_t words = 1;
      for (int64_t d : spec.dims(shape_of(periods, bins, hist))) words *= static_cast<uint64_t>(d);  // points = 1
      next += words;
      // Per-dyad-period sections come first: the CUDA backend keeps [0, period_end) in shared memory.
      if (spec.kind == os::Kind::PerDyad) per_dyad_seen = true;
      if (spec.kind == os::Kind::PerDyadPeriod) {
        EXPECT_FALSE(per_dyad_seen) << spec.name;
        period_end = next;
      }
      EXPECT_EQ(spec.axis_names().front(), "point") << spec.name;
    }
    EXPECT_EQ(next, l.total);
    EXPECT_EQ(period_end, l.period_end);
  }
}

TEST(OutputSchema, NamesShapesAndTypesOfTheCountSections) {
  const os::DatasetSpec* t = os::find_count_section("transitions_by_bin");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->path(), "/counts/transitions_by_bin");
  EXPECT_EQ(t->shape_text(), "[P," + std::to_string(kBinnedFactors) + ",B,25,25]");
  EXPECT_EQ(t->axis_names(), (std::vector<std::string>{"point", "factor", "bin", "from_state", "to_state"}));
  const os::DatasetSpec* d = os::find_count_section("duration_by_cause");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->shape_text(), "[P,7,T+1]");
  EXPECT_EQ(d->axis_names(), (std::vector<std::string>{"point", "cause", "duration"}));
  EXPECT_EQ(os::find_count_section("moments")->dtype, os::Dtype::Int64);
  EXPECT_EQ(os::find_count_section("dyads_simulated")->shape_text(), "[P]");
  EXPECT_EQ(os::find_count_section("nonsense"), nullptr);
}

TEST(OutputSchema, TrajectoryFieldsAreTheArraysOfTrajectories) {
  // RunResult's arrays are generated from the same list: names, order, element types and kinds agree.
  std::vector<std::string> names;
  for_each_trajectory_field([&](const char* name, auto member, bool per_period) {
    using T = trajectory_value_t<decltype(member)>;
    const os::DatasetSpec* spec = os::find_trajectory_field(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->dtype, os::dtype_of<T>()) << name;
    EXPECT_EQ(spec->kind, per_period ? os::Kind::PerSampledPeriod : os::Kind::PerSampledDyad) << name;
    EXPECT_EQ(spec->shape_text(), per_period ? "[P,K,T]" : "[P,K]") << name;
    names.push_back(name);
  });
  std::vector<std::string> registry;
  for (const os::DatasetSpec& spec : os::trajectory_fields()) registry.push_back(spec.name);
  EXPECT_EQ(names, registry);
}

TEST(OutputSchema, FillValuesAreDocumentedFromTheRegistry) {
  EXPECT_EQ(os::find_trajectory_field("pair")->fill, "255");
  EXPECT_EQ(os::find_trajectory_field("x_A")->fill, "NaN");
  EXPECT_EQ(os::find_trajectory_field("dyad")->fill, "2^64 - 1");
  EXPECT_EQ(os::find_trajectory_field("duration")->fill, "0");
  EXPECT_EQ(os::find_count_section("transitions")->fill, "");
}

TEST(OutputSchema, UnreachedSlotsHoldEachFieldsFillValue) {
  Trajectories t;
  t.allocate(2, 3, 4);
  EXPECT_EQ(t.pair.size(), 24u);
  EXPECT_EQ(t.pair[23], 255);
  EXPECT_TRUE(std::isnan(t.x_a[0]));
  EXPECT_EQ(t.dyad.size(), 6u);
  EXPECT_EQ(t.dyad[5], UINT64_MAX);
  EXPECT_EQ(t.cause[0], 255);
  EXPECT_EQ(t.duration[0], 0);
  PointBuffers b;
  t.attach(1, b);
  EXPECT_EQ(b.traj_pair, t.pair.data() + 12);
  EXPECT_EQ(b.traj_gain_b, t.gain_b.data() + 3);
  const TrajectoryView v = t.point(1);
  EXPECT_EQ(v.relation, t.relation.data() + 12);
  EXPECT_EQ(v.duration, t.duration.data() + 3);
}

TEST(OutputSchema, LabelledAxesHaveMetaDatasetsOfTheirSize) {
  std::set<std::string> meta;
  for (const os::MetaAxis& m : os::meta_axes()) meta.insert(m.name);
  for (size_t id = 0; id < os::axes().size(); ++id) {
    const os::AxisSpec& a = os::axes()[id];
    EXPECT_EQ(os::find_axis(a.name), static_cast<int32_t>(id));
    if (a.labels.empty()) continue;
    ASSERT_TRUE(meta.count(a.labels)) << a.name << " -> /meta/" << a.labels;
    for (const os::MetaAxis& m : os::meta_axes()) {
      if (m.name != a.labels) continue;
      EXPECT_EQ(static_cast<int64_t>(m.values.size()), axis_size(static_cast<int32_t>(id), OutputShape{})) << a.name;
    }
  }
  EXPECT_EQ(os::find_axis("time"), -1);
  EXPECT_EQ(os::find_axis("length"), -1);
}

TEST(OutputSchema, VersionIsAMajorMinorPair) {
  const os::AttributeSpec* version = nullptr;
  for (const os::AttributeSpec& a : os::root_attributes())
    if (a.name == "version") version = &a;
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(version->dims, (std::vector<int64_t>{2}));
  EXPECT_EQ(version->dtype, os::Dtype::Int64);
  EXPECT_EQ(os::kVersionMajor, 4);  // 4: fixed-length strings and checksums everywhere (docs/output_schema.md)
}

}  // namespace
}  // namespace learnrace
