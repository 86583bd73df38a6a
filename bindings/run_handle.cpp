#include "run_handle.hpp"

#include <stdexcept>

namespace py = pybind11;

namespace learnrace {
namespace bindings {
namespace {

std::vector<py::ssize_t> c_strides(const std::vector<py::ssize_t>& shape, py::ssize_t itemsize) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t s = itemsize;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/// A read-only [P, shape...] view of the run's memory: point 0's block at `data`, the points `point_stride`
/// elements apart, each block C-ordered. Its base is `handle`, which keeps the C++ result alive; nothing is copied.
template <class T>
py::array point_view(const py::object& handle, const T* data, size_t point_stride, std::vector<py::ssize_t> shape) {
  const RunHandle& h = handle.cast<const RunHandle&>();
  if (h.result.n_points <= 0) throw std::runtime_error("the run has no points");
  std::vector<py::ssize_t> strides = c_strides(shape, sizeof(T));
  shape.insert(shape.begin(), h.result.n_points);
  strides.insert(strides.begin(), static_cast<py::ssize_t>(point_stride * sizeof(T)));
  // An empty array (K = 0 trajectory slots) has no memory to view: numpy allocates its zero bytes.
  const py::handle base = data ? py::handle(handle) : py::handle();
  py::array a(py::dtype::of<T>(), shape, strides, data, base);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

template <class T>
py::array trajectory_view(const py::object& handle, const std::vector<T>& values, bool per_period) {
  const Trajectories& t = handle.cast<const RunHandle&>().result.trajectories;
  const py::ssize_t K = t.slots, T_max = t.periods;
  if (per_period) return point_view(handle, values.data(), t.per_period(), {K, T_max});
  return point_view(handle, values.data(), t.per_dyad(), {K});
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
          "power_shift_hist", "joint_learning_hist", "power_outcomes", "moments",   "dyads"};
}

std::vector<std::string> trajectory_names() {
  return {"pair",        "x_A",      "x_B",   "trust",    "stakes",   "orientation",
          "relation",    "power_A",  "dyad",  "intent_A", "intent_B", "knowledge_A",
          "knowledge_B", "equity_A", "cause", "duration", "gain_A",   "gain_B"};
}

py::array counts_section(const py::object& handle, const std::string& name) {
  const RunResult& r = handle.cast<const RunHandle&>().result;
  const OutputLayout& l = r.layout;
  const uint64_t* c = r.counts.data();
  const size_t w = l.total;  // the words of one point
  const py::ssize_t n = kPairStates, T = l.periods, B = l.factor_bins, H = l.hist_bins;
  if (name == "transitions") return point_view(handle, c + l.transitions, w, {n, n});
  if (name == "transitions_by_bin") return point_view(handle, c + l.transitions_by_bin, w, {kBinnedAxes, B, n, n});
  if (name == "occupancy") return point_view(handle, c + l.occupancy, w, {T, n});
  if (name == "duration") return point_view(handle, c + l.duration, w, {kCauses, T + 1});
  if (name == "asymmetry_hist") return point_view(handle, c + l.hist_asymmetry, w, {H});
  if (name == "power_shift_hist") return point_view(handle, c + l.hist_power_shift, w, {H});
  if (name == "joint_learning_hist") return point_view(handle, c + l.hist_joint, w, {H});
  if (name == "power_outcomes") return point_view(handle, c + l.power_outcomes, w, {2, kPowerColumns});
  // Moments are int64 fixed-point sums stored in the uint64 words (two's complement).
  if (name == "moments") return point_view(handle, reinterpret_cast<const int64_t*>(c + l.moments), w, {kMoments, 2});
  if (name == "dyads") return point_view(handle, c + l.dyads, w, {});
  throw py::key_error("no count section '" + name + "'");
}

py::array trajectory_array(const py::object& handle, const std::string& name) {
  const Trajectories& t = handle.cast<const RunHandle&>().result.trajectories;
  if (name == "pair") return trajectory_view(handle, t.pair, true);
  if (name == "x_A") return trajectory_view(handle, t.x_a, true);
  if (name == "x_B") return trajectory_view(handle, t.x_b, true);
  if (name == "trust") return trajectory_view(handle, t.trust, true);
  if (name == "stakes") return trajectory_view(handle, t.stakes, true);
  if (name == "orientation") return trajectory_view(handle, t.orientation, true);
  if (name == "relation") return trajectory_view(handle, t.relation, true);
  if (name == "power_A") return trajectory_view(handle, t.power_a, true);
  if (name == "dyad") return trajectory_view(handle, t.dyad, false);
  if (name == "intent_A") return trajectory_view(handle, t.intent_a, false);
  if (name == "intent_B") return trajectory_view(handle, t.intent_b, false);
  if (name == "knowledge_A") return trajectory_view(handle, t.knowledge_a, false);
  if (name == "knowledge_B") return trajectory_view(handle, t.knowledge_b, false);
  if (name == "equity_A") return trajectory_view(handle, t.equity_a, false);
  if (name == "cause") return trajectory_view(handle, t.cause, false);
  if (name == "duration") return trajectory_view(handle, t.duration, false);
  if (name == "gain_A") return trajectory_view(handle, t.gain_a, false);
  if (name == "gain_B") return trajectory_view(handle, t.gain_b, false);
  throw py::key_error("no trajectory dataset '" + name + "'");
}

py::array point_counts(const py::object& handle, int32_t point) {
  const RunResult& r = handle.cast<const RunHandle&>().result;
  if (point < 0 || point >= r.n_points) throw py::index_error("point out of range");
  py::array a = py::array_t<uint64_t>({static_cast<py::ssize_t>(r.layout.total)}, r.point_counts(point), handle);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

}  // namespace bindings
}  // namespace learnrace
