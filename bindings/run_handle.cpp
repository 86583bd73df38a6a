#include "run_handle.hpp"

#include <cstring>
#include <functional>
#include <stdexcept>

namespace py = pybind11;

namespace learnrace {
namespace bindings {
namespace {

/// Where one point's block of a dataset lives, and its shape after the point axis.
struct Block {
  const void* data;
  py::dtype dtype;
  std::vector<py::ssize_t> shape;
};

using BlockOf = std::function<Block(const RunHandle&, int32_t point)>;

template <class T>
Block block(const T* data, std::vector<py::ssize_t> shape) {
  return Block{data, py::dtype::of<T>(), std::move(shape)};
}

/// Count sections: offset into PointResult::counts and the shape after the point axis.
Block section_block(const RunHandle& h, int32_t point, const std::string& name) {
  const OutputLayout& l = h.result.layout;
  const uint64_t* c = h.result.points.at(point).counts.data();
  const py::ssize_t n = kPairStates, T = l.periods, B = l.factor_bins, H = l.hist_bins;
  if (name == "transitions") return block(c + l.transitions, {n, n});
  if (name == "transitions_by_bin") return block(c + l.transitions_by_bin, {kFactors, B, n, n});
  if (name == "occupancy") return block(c + l.occupancy, {T, n});
  if (name == "duration") return block(c + l.duration, {kCauses, T + 1});
  if (name == "asymmetry_hist") return block(c + l.hist_asymmetry, {H});
  if (name == "power_shift_hist") return block(c + l.hist_power_shift, {H});
  if (name == "joint_learning_hist") return block(c + l.hist_joint, {H});
  // Moments are int64 fixed-point sums stored in the uint64 words (two's complement).
  if (name == "moments") return block(reinterpret_cast<const int64_t*>(c + l.moments), {kMoments, 2});
  if (name == "dyads") return block(c + l.dyads, {});
  throw py::key_error("no count section '" + name + "'");
}

Block trajectory_block(const RunHandle& h, int32_t point, const std::string& name) {
  const Trajectories& t = h.result.points.at(point).trajectories;
  const py::ssize_t K = t.slots, T = t.periods;
  const std::vector<py::ssize_t> per_period{K, T}, per_dyad{K};
  if (name == "pair") return block(t.pair.data(), per_period);
  if (name == "x_A") return block(t.x_a.data(), per_period);
  if (name == "x_B") return block(t.x_b.data(), per_period);
  if (name == "trust") return block(t.trust.data(), per_period);
  if (name == "stakes") return block(t.stakes.data(), per_period);
  if (name == "orientation") return block(t.orientation.data(), per_period);
  if (name == "relation") return block(t.relation.data(), per_period);
  if (name == "power_A") return block(t.power_a.data(), per_period);
  if (name == "dyad") return block(t.dyad.data(), per_dyad);
  if (name == "intent_A") return block(t.intent_a.data(), per_dyad);
  if (name == "intent_B") return block(t.intent_b.data(), per_dyad);
  if (name == "knowledge_A") return block(t.knowledge_a.data(), per_dyad);
  if (name == "knowledge_B") return block(t.knowledge_b.data(), per_dyad);
  if (name == "equity_A") return block(t.equity_a.data(), per_dyad);
  if (name == "cause") return block(t.cause.data(), per_dyad);
  if (name == "duration") return block(t.duration.data(), per_dyad);
  if (name == "gain_A") return block(t.gain_a.data(), per_dyad);
  if (name == "gain_B") return block(t.gain_b.data(), per_dyad);
  throw py::key_error("no trajectory dataset '" + name + "'");
}

std::vector<py::ssize_t> c_strides(const std::vector<py::ssize_t>& shape, py::ssize_t itemsize) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t s = itemsize;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

py::array read_only(py::array a) {
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

/// [P, ...]: a view for one point, else a stacked copy.
py::array stacked(const py::object& handle, const BlockOf& block_of) {
  const RunHandle& h = handle.cast<const RunHandle&>();
  const int32_t n_points = static_cast<int32_t>(h.result.points.size());
  if (n_points == 0) throw std::runtime_error("the run has no points");
  const Block first = block_of(h, 0);
  std::vector<py::ssize_t> shape{n_points};
  shape.insert(shape.end(), first.shape.begin(), first.shape.end());
  const py::ssize_t itemsize = first.dtype.itemsize();
  if (n_points == 1) {
    // The base object (the handle) keeps the C++ memory alive as long as the array exists.
    return read_only(py::array(first.dtype, shape, c_strides(shape, itemsize), first.data, handle));
  }
  py::array out(first.dtype, shape);
  py::ssize_t block_bytes = itemsize;
  for (py::ssize_t d : first.shape) block_bytes *= d;
  char* dst = static_cast<char*>(out.mutable_data());
  for (int32_t i = 0; i < n_points; ++i) {
    const Block b = block_of(h, i);
    if (block_bytes > 0) std::memcpy(dst + i * block_bytes, b.data, static_cast<size_t>(block_bytes));
  }
  return read_only(out);
}

}  // namespace

void RunHandle::describe_from_params() {
  kernels.clear();
  for (const ModelParams& p : result.params)
    kernels.push_back(p.kernel == KernelType::Strategic ? "strategic" : "propositional");
  if (!result.params.empty()) {
    seed = result.params[0].seed;
    joint_max = result.params[0].joint_max;
    relation_bin_max = result.params[0].relation_bin_max;
  }
}

std::vector<std::string> section_names() {
  return {"transitions",      "transitions_by_bin",  "occupancy", "duration", "asymmetry_hist",
          "power_shift_hist", "joint_learning_hist", "moments",   "dyads"};
}

std::vector<std::string> trajectory_names() {
  return {"pair",        "x_A",      "x_B",   "trust",    "stakes",   "orientation",
          "relation",    "power_A",  "dyad",  "intent_A", "intent_B", "knowledge_A",
          "knowledge_B", "equity_A", "cause", "duration", "gain_A",   "gain_B"};
}

py::array counts_section(const py::object& handle, const std::string& name) {
  return stacked(handle, [&name](const RunHandle& h, int32_t p) { return section_block(h, p, name); });
}

py::array trajectory_array(const py::object& handle, const std::string& name) {
  return stacked(handle, [&name](const RunHandle& h, int32_t p) { return trajectory_block(h, p, name); });
}

py::array point_counts(const py::object& handle, int32_t point) {
  const RunHandle& h = handle.cast<const RunHandle&>();
  if (point < 0 || point >= static_cast<int32_t>(h.result.points.size())) throw py::index_error("point out of range");
  const std::vector<uint64_t>& c = h.result.points[point].counts;
  return read_only(py::array_t<uint64_t>({static_cast<py::ssize_t>(c.size())}, c.data(), handle));
}

}  // namespace bindings
}  // namespace learnrace
