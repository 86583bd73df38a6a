// learnrace._core: the engine as a Python extension (pybind11).
//
// - run_string / run_file: validate an experiment, run it on a worker thread with the GIL released, return a
//   RunHandle. The caller's thread checks for signals meanwhile, so Ctrl-C cancels the run within a block of dyads
//   (even inside the only chunk) and raises KeyboardInterrupt.
// - RunHandle: the finished run; its arrays are read-only numpy views of the C++ memory, never copies
//   (run_handle.hpp).
// - ConfigError -> learnrace.ConfigError (a ValueError with .key), FileFormatError -> learnrace.FileFormatError.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "backend.hpp"
#include "config.hpp"
#include "driver.hpp"
#include "h5_error.hpp"
#include "h5_run_file.hpp"
#include "output_file.hpp"
#include "proposition_table.hpp"
#include "run_handle.hpp"
#include "version.hpp"

namespace py = pybind11;
using namespace learnrace;
using learnrace::bindings::RunHandle;

namespace {

/// Raises learnrace._errors.<name>(message, *args); falls back to ValueError if the package is not importable.
void raise_python(const char* name, const std::string& message, const py::tuple& extra = py::tuple()) {
  try {
    py::object cls = py::module_::import("learnrace._errors").attr(name);
    py::object exc = cls(message, *extra);
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (py::error_already_set&) {
    PyErr_SetString(PyExc_ValueError, message.c_str());
  }
}

ConfigOverrides make_overrides(std::optional<uint64_t> dyads, std::optional<uint32_t> seed) {
  ConfigOverrides o;
  o.dyads = dyads;
  o.seed = seed;
  return o;
}

/// Dyads per point per backend call when the caller gives none; chunking never changes the results (integer counts,
/// counter-based RNG). CPU: small enough that progress and Ctrl-C are seen often (about 100 chunks, at most
/// run.chunk_dyads), but at least 8 blocks of kCpuDyadBlock dyads per thread: the CPU backend runs a chunk one point
/// at a time, so a run of many points with few dyads each (a sweep) in 1% chunks gave each parallel region a block
/// or two and ran at about half the speed of whole-point chunks (bench/results/defaults-*.md). CUDA: the driver's
/// default, at least 2^24 dyads per call over all points (each call has a fixed cost; 2^24 dyads take about 10 to
/// 60 ms on an H100).
uint64_t responsive_chunk(const RunConfig& config, BackendKind backend, int threads) {
  if (backend == BackendKind::Cuda) return default_chunk_dyads(config, backend);
  const uint64_t cap = std::max<uint64_t>(1, config.chunk_dyads);
  const uint64_t workers =
      threads > 0 ? static_cast<uint64_t>(threads) : std::max<uint64_t>(1, std::thread::hardware_concurrency());
  const uint64_t busy = 8 * static_cast<uint64_t>(kCpuDyadBlock) * workers;
  return std::min(cap, std::max<uint64_t>((config.dyads + 99) / 100, busy));
}

/// The calling thread's side of a run on a worker thread: it waits, and looks for Python signals every 50 ms and
/// whenever the worker finishes a chunk (the worker waits for that look, so a signal raised by the progress callback
/// stops the run at the next chunk boundary at the latest).
class SignalWatch {
 public:
  /// Worker: after a chunk, until the calling thread has looked for signals.
  void chunk_done() {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t ticket = ++asked_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return answered_ >= ticket || finished_; });
  }
  /// Worker: the run has ended (normally or not).
  void finish() {
    const std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  /// Calling thread (GIL released): returns when the worker has finished; `look` runs with the GIL held.
  template <class Look>
  void wait(Look look) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!finished_) {
      changed_.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished_ || asked_ > answered_; });
      const uint64_t asked = asked_;
      lock.unlock();
      {
        py::gil_scoped_acquire gil;
        look();
      }
      lock.lock();
      answered_ = asked;
      changed_.notify_all();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t asked_ = 0, answered_ = 0;
  bool finished_ = false;
};

/// Runs the experiment on a worker thread with the GIL released while the calling thread watches for signals: Ctrl-C
/// (KeyboardInterrupt, or any exception of Python's signal handlers) sets the engine's cancel flag, which the backends
/// see within a block of dyads, even inside the only chunk, and is raised once the worker has stopped. The progress
/// callback runs on the worker thread with the GIL; an exception it raises stops the run the same way.
std::shared_ptr<RunHandle> run_config(RunConfig config, const std::string& backend, int64_t threads,
                                      uint64_t chunk_dyads, const py::object& progress, std::pair<int, int> split) {
  check_threads(threads);
  DriverOptions options;
  const DyadRange range = dyad_range(config.dyads, split.first, split.second);
  options.dyad_begin = range.begin;
  options.dyad_end = range.end;
  options.backend = resolve_backend(parse_backend(backend));
  options.threads = static_cast<int>(threads);
  options.chunk_dyads = chunk_dyads ? chunk_dyads : responsive_chunk(config, options.backend, options.threads);
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;

  std::optional<py::error_already_set> pending;  // KeyboardInterrupt, or an exception of the callback (GIL held)
  SignalWatch watch;
  options.on_progress = [&](uint64_t done, uint64_t total) {
    if (!progress.is_none()) {
      py::gil_scoped_acquire gil;
      try {
        progress(done, total);
      } catch (py::error_already_set& e) {
        if (!pending) pending = std::move(e);
        throw RunCancelled();
      }
    }
    watch.chunk_done();
  };

  auto handle = std::make_shared<RunHandle>();
  handle->parameters = parameter_table(config);
  std::exception_ptr failure;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        handle->result = run_experiment(config, options);
      } catch (...) {
        failure = std::current_exception();
      }
      watch.finish();
    });
    watch.wait([&] {
      if (PyErr_CheckSignals() == 0) return;  // only the main thread runs Python's handlers; elsewhere always 0
      if (pending)
        PyErr_Clear();
      else
        pending.emplace();  // takes the raised exception
      cancel.store(true);
    });
    worker.join();
  }
  if (pending) throw std::move(*pending);
  if (failure) std::rethrow_exception(failure);
  handle->describe_from_params();
  return handle;
}

py::dict parameters_dict(const RunHandle& h) {
  py::dict d;
  for (const ParamColumn& c : h.parameters) d[py::str(c.key)] = py::array_t<double>(c.values.size(), c.values.data());
  return d;
}

/// A run file read back by the C++ reader (the reference implementation of docs/output_schema.md), through one
/// open file handle.
std::shared_ptr<RunHandle> read_file(const std::string& path) {
  auto handle = std::make_shared<RunHandle>();
  py::gil_scoped_release release;
  RunFileContents contents = read_run_contents(path);
  handle->result = std::move(contents.result);
  handle->describe_from_params();
  handle->parameters = std::move(contents.points.columns);
  handle->kernels = std::move(contents.points.kernels);
  handle->seed = static_cast<uint32_t>(contents.header.seed);
  if (handle->result.params.empty()) {  // the reader did not rebuild ModelParams: edges unknown here
    handle->joint_max = std::numeric_limits<float>::quiet_NaN();
    handle->relation_bin_max = std::numeric_limits<float>::quiet_NaN();
  }
  return handle;
}

std::string cuda_reason() {
  std::string why;
  return cuda_backend_available(&why) ? std::string() : why;
}

/// kernels/proposition_table.hpp, the one table of Larsson's P1-P9 moves, for learnrace.propositions.clauses.
py::list proposition_table() {
  py::list rows;
  const char* const movers[] = {"", "x", "y", "both"};
  for (const PairRule& r : kPairRules) {
    py::dict row;
    row["x"] = r.x;
    row["y"] = r.y;
    row["barrier_x"] = r.barrier_x;
    row["barrier_y"] = r.barrier_y;
    row["barrier_clause"] = std::string(r.barrier_clause);
    row["proposition"] = r.proposition == NoProposition ? std::string() : kPropositionInfo[r.proposition].name;
    row["mover"] = std::string(movers[r.mover]);
    row["empower_x"] = r.empower_x;
    row["empower_y"] = r.empower_y;
    rows.append(row);
  }
  return rows;
}

/// The factors each empowering proposition names, as letters (T, S, L, R).
py::dict proposition_factors() {
  py::dict out;
  for (const PropositionInfo& info : kPropositionInfo) out[info.name] = std::string(info.factors);
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "learnrace engine (C++): run experiments, read and write run files";
  h5::disable_error_printing();  // HDF5 failures become exceptions (FileFormatError, OSError)

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      raise_python("ConfigError", e.what(), py::make_tuple(e.key()));
    } catch (const FileFormatError& e) {
      raise_python("FileFormatError", e.what(), py::make_tuple(e.item()));
    } catch (const RunCancelled& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const OutOfMemory& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError,
                      "learnrace: out of memory (try fewer threads, sweep points or "
                      "output.trajectory_max)");
    }
  });

  py::class_<RunHandle, std::shared_ptr<RunHandle>>(m, "RunHandle", "A finished run held in C++ memory")
      .def_property_readonly("n_points", [](const RunHandle& h) { return h.result.n_points; })
      .def_property_readonly("point_names", [](const RunHandle& h) { return h.result.point_names; })
      .def_property_readonly("kernels", [](const RunHandle& h) { return h.kernels; })
      .def_property_readonly("config_toml", [](const RunHandle& h) { return h.result.config_toml; })
      .def_property_readonly("backend", [](const RunHandle& h) { return h.result.backend; })
      .def_property_readonly("seed", [](const RunHandle& h) { return h.seed; })
      .def_property_readonly("dyads_per_point", [](const RunHandle& h) { return h.result.dyads_per_point; })
      .def_property_readonly("seconds", [](const RunHandle& h) { return h.result.seconds; })
      .def_property_readonly("periods", [](const RunHandle& h) { return h.result.layout.periods; })
      .def_property_readonly("factor_bins", [](const RunHandle& h) { return h.result.layout.factor_bins; })
      .def_property_readonly("hist_bins", [](const RunHandle& h) { return h.result.layout.hist_bins; })
      .def_property_readonly("joint_max", [](const RunHandle& h) { return h.joint_max; })
      .def_property_readonly("relation_bin_max", [](const RunHandle& h) { return h.relation_bin_max; })
      .def_property_readonly("fixed_point_scale",
                             [](const RunHandle&) { return static_cast<double>(kFixedPointScale); })
      .def_property_readonly("parameters", &parameters_dict, "the /points table: dotted key -> float64 [P]")
      .def("section", &bindings::counts_section, py::arg("name"), "count section with a leading point axis")
      .def(
          "trajectory",
          [](const py::object& h, const std::string& name) { return bindings::trajectory_array(h, name); },
          py::arg("name"), "trajectory dataset with a point axis")
      .def("counts", &bindings::point_counts, py::arg("point"), "flat count array of one point (a view)")
      .def("_counts_buffer", &bindings::counts_buffer,
           "every count word [P * layout words] as a WRITABLE view (MPI reductions into a run; not public)")
      .def("_trajectory_buffer", &bindings::trajectory_buffer, py::arg("name"),
           "a trajectory dataset as a WRITABLE view (MPI gathers into a run; not public)")
      .def(
          "save",
          [](const RunHandle& h, const std::string& path) {
            py::gil_scoped_release release;
            write_run_file(path, h.result, h.parameters);
          },
          py::arg("path"), "write the run with the C++ HDF5 writer (temporary file, then rename)");

  m.def(
      "run_string",
      [](const std::string& toml_text, const std::string& source_name, const std::string& backend,
         std::optional<uint64_t> dyads, std::optional<uint32_t> seed, int64_t threads, uint64_t chunk_dyads,
         const py::object& progress, std::pair<int, int> split) {
        RunConfig config = load_config_string(toml_text, source_name, make_overrides(dyads, seed));
        return run_config(std::move(config), backend, threads, chunk_dyads, progress, split);
      },
      py::arg("toml_text"), py::arg("source_name") = "<string>", py::arg("backend") = "auto",
      py::arg("dyads") = py::none(), py::arg("seed") = py::none(), py::arg("threads") = 0, py::arg("chunk_dyads") = 0,
      py::arg("progress") = py::none(), py::arg("split") = std::pair<int, int>(0, 1),
      "run an experiment given as TOML text (split (rank, ranks): only that rank's dyads, dyad_range)");
  m.def(
      "run_file",
      [](const std::string& path, const std::string& backend, std::optional<uint64_t> dyads,
         std::optional<uint32_t> seed, int64_t threads, uint64_t chunk_dyads, const py::object& progress,
         std::pair<int, int> split) {
        RunConfig config = load_config_file(path, make_overrides(dyads, seed));
        return run_config(std::move(config), backend, threads, chunk_dyads, progress, split);
      },
      py::arg("path"), py::arg("backend") = "auto", py::arg("dyads") = py::none(), py::arg("seed") = py::none(),
      py::arg("threads") = 0, py::arg("chunk_dyads") = 0, py::arg("progress") = py::none(),
      py::arg("split") = std::pair<int, int>(0, 1), "run an experiment TOML file (split as in run_string)");
  m.def(
      "dyad_range",
      [](uint64_t dyads, int rank, int ranks) {
        const DyadRange r = dyad_range(dyads, rank, ranks);
        return std::make_pair(r.begin, r.end);
      },
      py::arg("dyads"), py::arg("rank"), py::arg("ranks"),
      "(begin, end): the dyads of rank `rank` of `ranks` when an experiment's dyads are split across MPI ranks");
  m.def(
      "check_config",
      [](const std::string& toml_text, const std::string& source_name) {
        const RunConfig c = load_config_string(toml_text, source_name);
        py::dict d;
        d["point_names"] = c.point_names;
        d["dyads"] = c.dyads;
        d["chunk_dyads"] = c.chunk_dyads;
        d["toml_text"] = c.toml_text;
        d["periods"] = c.points.at(0).periods;
        d["count_bytes_per_point"] = OutputLayout::make(c.points.at(0)).total * sizeof(uint64_t);
        return d;
      },
      py::arg("toml_text"), py::arg("source_name") = "<string>", "validate an experiment without running it");
  m.def("read_file", &read_file, py::arg("path"), "read a run file with the C++ reader");
  m.def(
      "check_file",
      [](const std::string& path) {
        py::gil_scoped_release release;
        check_run_file(path);
      },
      py::arg("path"),
      "check a run file against the output schema (the C++ reader's checks, nothing read); FileFormatError if not");
  m.def(
      "cuda_available", [] { return cuda_reason().empty(); },
      "True when the CUDA backend is built and a GPU is usable");
  m.def("cuda_unavailable_reason", &cuda_reason, "why the CUDA backend cannot run ('' when it can)");
  m.def(
      "check_output_path",
      [](const std::string& output, const std::string& source) {
        try {
          check_output_path(output, source);
        } catch (const std::runtime_error& e) {
          throw py::value_error(e.what());
        }
      },
      py::arg("output"), py::arg("source"),
      "refuse an output path before a run writes it (ValueError naming the path and the reason; output_file.hpp)");
  m.def("temp_path_for", &temp_path_for, py::arg("target"),
        "a fresh temporary name beside target, TARGET.tmp-<pid>-<random> (the writers' one naming scheme)");
  m.def(
      "create_temp",
      [](const std::string& target) {
        std::string path;
        int fd = -1;
        try {
          fd = create_temp(target, &path);
        } catch (const std::system_error& e) {  // OSError with its errno, as open() would raise
          PyErr_SetObject(PyExc_OSError, py::make_tuple(e.code().value(), e.what()).ptr());
          throw py::error_already_set();
        }
        return py::make_tuple(fd, path);
      },
      py::arg("target"),
      "(fd, path): a new temporary file beside target, its flock held while fd (or a dup of it) is open "
      "(the writers' one rule, host/output_file.hpp); OSError when it cannot be created");
  m.def("remove_stale_temps", &remove_stale_temps, py::arg("target"),
        "remove temporary files of target left by dead processes (pid gone, lock free); returns the paths removed");
  m.attr("max_threads") = kMaxThreads;
  m.attr("version") = version_string();
  m.attr("git_describe") = git_describe_string();
  m.attr("section_names") = bindings::section_names();
  m.attr("trajectory_names") = bindings::trajectory_names();
  m.def("proposition_table", &proposition_table,
        "the propositional kernel's table (kernels/proposition_table.hpp): one row per unordered pair state");
  m.def("proposition_factors", &proposition_factors, "the factors each of P6a ... P9 names (T, S, L, R)");
  m.def("output_schema", &bindings::output_schema_dict,
        "the output schema registry: every dataset, axis and attribute of a run file (docs/output_schema.md)");
}
