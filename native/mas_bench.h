// The microbench both front doors run (standalone executable and N-API binding): per shape and
// dtype, every implementation timed beside a same-bytes copy, checked against the float64
// reference, plus the +-inf/NaN edge-case check. Results are JSON (the TypeScript side formats).
#pragma once
#include <string>
#include <vector>
#include "mas_common.h"

namespace mas { namespace bench {

struct Shape {
  int64_t T, H, D;
};

struct Options {
  std::vector<Shape> shapes;
  std::vector<DType> dtypes;
  std::string device = "auto";  // auto | gpu | cpu
  int cold_iters = 20;          // GPU cold timings per implementation (median reported)
  int steady_reps = 10;         // GPU graph replays (median reported)
  bool naive = true;            // include the naive multi-kernel implementation
  int S = 0;                    // > 2: add the S-way merge case for each shape
  int threads = 0;              // CPU threads for the vectorised path and memcpy (0 = all)
  double cpu_min_seconds = 0.05;  // CPU: repeat each implementation at least this long
  bool cpu_scalar = true;
  bool check = true;            // compare outputs with the float64 reference
  std::vector<int> kernels;     // ids of loaded --kernel files (gpu::load_kernel), timed after the built-ins
  bool empty_launch = true;     // GPU: time 2,000 empty launches (~10 ms) for "emptyLaunchUs"; the addon's
                                // per-case calls ask for it on the first case only
};

// Runs everything in `o` and returns one JSON document.
std::string run(const Options& o);

// Edge-case check of one implementation: every combination of LSE values from
// {1.5, -0.25, -inf, +inf, NaN} for prefix x suffix. Returns JSON {pass, combinations, diff, error}
// and, for two-way implementations, the table: values (the five LSEs) and cells[i*5+j] (1 = prefix
// values[i] x suffix values[j] matches the float64 reference, 0 = it does not).
// impl: "scalar" | "vector" | "vector-s" | "scalar-s" (CPU), a GPU implementation name, or the
// name of a loaded --kernel.
std::string edge_check_json(const std::string& impl, DType dt, int64_t D);

// Device and build description (JSON object).
std::string device_json();

bool parse_dtype(const std::string& s, DType& out);

// s as a JSON string literal (quotes, backslashes and control characters escaped).
std::string json_str(const std::string& s);

}}  // namespace mas::bench
