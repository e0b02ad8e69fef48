#include "mas_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>

#include "mas_cpu.h"
#include "mas_gpu.h"

namespace mas { namespace bench {

namespace {

std::string jnum(double v) {
  if (!std::isfinite(v)) return "null";
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}
std::string jstr(const std::string& s) { return json_str(s); }
}  // namespace

std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (c == '\n') o += "\\n";
    else if ((unsigned char)c < 0x20) o += ' ';
    else o += c;
  }
  return o + "\"";
}

namespace {
double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string diff_json(const cpu::Diff& d) {
  std::ostringstream o;
  o << "{\"maxAbsOut\":" << jnum(d.max_abs_out) << ",\"maxAbsLse\":" << jnum(d.max_abs_lse)
    << ",\"exceedOut\":" << d.exceed_out << ",\"exceedLse\":" << d.exceed_lse
    << ",\"specialMismatch\":" << d.special_mismatch << ",\"checked\":" << d.checked << "}";
  return o.str();
}

void fill_host(DType dt, void* data, int64_t n, std::mt19937_64& rng, float lo, float hi) {
  std::uniform_real_distribution<float> u(lo, hi);
  for (int64_t i = 0; i < n; ++i) {
    float v = u(rng);
    if (dt == DType::F32) ((float*)data)[i] = v;
    else if (dt == DType::F16) ((uint16_t*)data)[i] = f32_to_f16(v);
    else ((uint16_t*)data)[i] = f32_to_bf16(v);
  }
}

const float kEdge[5] = {1.5f, -0.25f, kNegInf, kPosInf, kNaN};

}  // namespace

bool parse_dtype(const std::string& s, DType& out) {
  if (s == "float32" || s == "fp32" || s == "f32") return out = DType::F32, true;
  if (s == "float16" || s == "fp16" || s == "f16" || s == "half") return out = DType::F16, true;
  if (s == "bfloat16" || s == "bf16") return out = DType::BF16, true;
  return false;
}

std::string edge_check_json(const std::string& impl, DType dt, int64_t D) {
  const bool sway = impl == "vector-s" || impl == "scalar-s" || impl == "merge-s";
  const int64_t T = 25, H = 2, S = sway ? 3 : 2;
  const size_t e = size_t(dtype_size(dt));
  const int64_t thd = T * H * D, rows = T * H;
  std::vector<char> parts(size_t(S * thd) * e), out(size_t(thd) * e);
  std::vector<float> lses(size_t(S * rows)), out_lse(size_t(rows), 0.f);
  std::mt19937_64 rng(12345);
  fill_host(dt, parts.data(), S * thd, rng, -2.f, 2.f);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h) {
      lses[size_t(0 * rows + h * T + t)] = kEdge[t / 5];
      lses[size_t(1 * rows + h * T + t)] = kEdge[t % 5];
      if (S == 3) lses[size_t(2 * rows + h * T + t)] = h == 0 ? kNegInf : 0.75f;
    }
  // Poison the outputs: NaN everywhere, so unwritten elements fail.
  std::memset(out.data(), 0xff, out.size());
  std::memset(out_lse.data(), 0xff, out_lse.size() * 4);
  std::string err, cells;
  cpu::Diff d;
  const double tol = cpu::default_tol(dt), tol_lse = 1e-5;
  if (sway) {
    MergeSArgs a;
    a.dtype = dt; a.S = S; a.T = T; a.H = H; a.D = D;
    a.parts = parts.data(); a.lses = lses.data(); a.out = out.data(); a.out_lse = out_lse.data();
    if (impl == "vector-s") cpu::merge_s_vector(a, 0);
    else if (impl == "scalar-s") cpu::merge_s_scalar(a);
    else err = gpu::merge_s_host(a);
    if (err.empty()) d = cpu::compare_s(a, tol, tol_lse, 1);
  } else {
    MergeArgs a;
    a.dtype = dt; a.T = T; a.H = H; a.D = D;
    a.prefix = parts.data(); a.suffix = parts.data() + size_t(thd) * e;
    a.prefix_lse = lses.data(); a.suffix_lse = lses.data() + rows;
    a.out = out.data(); a.out_lse = out_lse.data();
    default_strides(a);
    if (impl == "vector") cpu::merge_vector(a, 0);
    else if (impl == "scalar") cpu::merge_scalar(a);
    else {
      const int id = gpu::impl_id(impl);
      err = id < 0 || id == gpu::MERGE_S || id == gpu::COPY ? "unknown implementation '" + impl + "'"
                                                           : gpu::merge_host(id, a, thd, thd, thd);
    }
    if (err.empty()) {
      d = cpu::compare(a, tol, tol_lse, 1);
      // One cell per (prefix LSE, suffix LSE) combination: token t holds kEdge[t/5] x kEdge[t%5].
      for (int64_t t = 0; t < T; ++t) {
        const cpu::Diff c = cpu::compare_rows(a, tol, tol_lse, t * H, (t + 1) * H);
        cells += std::string(t ? "," : "") + (c.exceed_out + c.exceed_lse + c.special_mismatch ? "0" : "1");
      }
    }
  }
  std::ostringstream o;
  const bool pass = err.empty() && d.exceed_out == 0 && d.exceed_lse == 0 && d.special_mismatch == 0;
  o << "{\"pass\":" << (pass ? "true" : "false") << ",\"combinations\":25,\"diff\":" << diff_json(d)
    << ",\"error\":" << (err.empty() ? "null" : jstr(err));
  // cells[i*5 + j]: 1 when prefix LSE values[i] x suffix LSE values[j] matches the reference.
  if (!cells.empty()) o << ",\"values\":[\"1.5\",\"-0.25\",\"-inf\",\"+inf\",\"nan\"],\"cells\":[" << cells << "]";
  o << "}";
  return o.str();
}

// The run-time knobs of the kernels (read by mas_kernels.inc and mas_cpu.cc; README "micro"): a
// result records the ones set, so that it says which variant it timed.
// harness/micro/knobs.test.ts checks this list against the getenv calls of native/.
const char* const kKernelKnobs[] = {"MAS_OPT_VARIANT", "MAS_EL_BUDGET_MB", "MAS_EL_TAIL",
                                    "MAS_EL_MAX_MB",   "MAS_EL_LOAD_MB",   "MAS_EL_LOAD_MIN_MB",
                                    "MAS_CPU_NT"};

static std::string knobs_json() {
  std::ostringstream o;
  o << "{";
  bool first = true;
  for (const char* k : kKernelKnobs) {
    const char* v = std::getenv(k);
    if (!v || !*v) continue;
    o << (first ? "" : ",") << jstr(k) << ":" << jstr(v);
    first = false;
  }
  o << "}";
  return o.str();
}

std::string device_json() {
  const gpu::Info& i = gpu::info();
  std::ostringstream o;
  o << "{\"cudaBuilt\":" << (i.built ? "true" : "false") << ",\"gpuAvailable\":"
    << (i.available ? "true" : "false") << ",\"gpuError\":" << (i.error.empty() ? "null" : jstr(i.error))
    << ",\"gpuName\":" << (i.name.empty() ? "null" : jstr(i.name)) << ",\"computeCapability\":"
    << (i.available ? jstr(std::to_string(i.cc_major) + "." + std::to_string(i.cc_minor)) : "null")
    << ",\"sms\":" << i.sms << ",\"l2Bytes\":" << i.l2_bytes << ",\"memBytes\":" << i.mem_bytes
    << ",\"driverVersion\":" << i.driver << ",\"runtimeVersion\":" << i.runtime
    << ",\"cudaArchs\":" << jstr(i.archs) << ",\"cpuThreads\":" << cpu::hardware_threads()
    << ",\"cpuIsa\":" << jstr(cpu::isa()) << ",\"kernelKnobs\":" << knobs_json() << "}";
  return o.str();
}

namespace {

std::string gpu_case(const Options& o, DType dt, const Shape& s, int S) {
  std::string err;
  const int64_t parts = S > 2 ? S : 2;
  auto c = gpu::make_case(dt, parts, s.T, s.H, s.D, err);
  std::ostringstream j;
  j << "{\"device\":\"gpu\",\"dtype\":" << jstr(dtype_name(dt)) << ",\"T\":" << s.T << ",\"H\":"
    << s.H << ",\"D\":" << s.D << ",\"S\":" << parts;
  if (!c) {
    j << ",\"error\":" << jstr(err) << "}";
    return j.str();
  }
  err = c->fill_random(0x5eed + uint64_t(s.T * 131 + s.H * 7 + s.D));
  const double bytes = c->bytes(S > 2 ? gpu::MERGE_S : gpu::OPTIMIZED);
  j << ",\"bytes\":" << jnum(bytes);
  // Steady: enough calls per graph for ~2 ms of work at ~3 TB/s, between 10 and 500.
  const int calls = int(std::clamp(6e9 / std::max(bytes, 1.0), 10.0, 500.0));
  auto timed = [&](int impl, std::string& out_err, double& cold, double& cold_min, double& steady) {
    std::vector<double> us;
    out_err = c->time_cold(impl, o.cold_iters, us);
    cold = median(us);
    cold_min = us.empty() ? cold : *std::min_element(us.begin(), us.end());
    steady = std::numeric_limits<double>::quiet_NaN();
    if (out_err.empty()) out_err = c->time_steady(impl, calls, o.steady_reps, steady);
  };
  {
    // Same-bytes copy: the two-way merge's bytes (S-way cases compare against their own bytes
    // through bytes/copy ratio on the TS side).
    std::string e2;
    double cold, cmin, steady;
    timed(gpu::COPY, e2, cold, cmin, steady);
    j << ",\"copy\":{\"bytes\":" << jnum(c->bytes(gpu::OPTIMIZED)) << ",\"coldUs\":" << jnum(cold)
      << ",\"coldMinUs\":" << jnum(cmin) << ",\"steadyUs\":" << jnum(steady)
      << ",\"error\":" << (e2.empty() ? "null" : jstr(e2)) << "}";
  }
  std::vector<int> impls;
  if (S > 2) impls = {gpu::MERGE_S};
  else {
    if (o.naive) impls.push_back(gpu::NAIVE);
    impls.push_back(gpu::BASELINE);
    impls.push_back(gpu::OPTIMIZED);
    impls.push_back(gpu::OPTIMIZED_CS);
    for (int k : o.kernels) impls.push_back(k);  // loaded --kernel files, in flag order
  }
  j << ",\"impls\":[";
  for (size_t k = 0; k < impls.size(); ++k) {
    int impl = impls[k];
    std::string e2;
    double cold, cmin, steady;
    timed(impl, e2, cold, cmin, steady);
    j << (k ? "," : "") << "{\"name\":" << jstr(gpu::impl_name(impl)) << ",\"bytes\":"
      << jnum(c->bytes(impl)) << ",\"coldUs\":" << jnum(cold) << ",\"coldMinUs\":" << jnum(cmin)
      << ",\"steadyUs\":" << jnum(steady);
    if (o.check && e2.empty()) {
      cpu::Diff d;
      e2 = c->check(impl, cpu::default_tol(dt), 1e-5, d);
      if (e2.empty()) j << ",\"diff\":" << diff_json(d);
    }
    j << ",\"edge\":" << edge_check_json(gpu::impl_name(impl), dt, s.D);
    j << ",\"error\":" << (e2.empty() ? "null" : jstr(e2)) << "}";
  }
  j << "]}";
  return j.str();
}

template <class F>
double time_cpu(F f, double min_s) {
  f();  // warm-up (page faults, pool start)
  std::vector<double> t;
  double start = now_s();
  while (t.size() < 3 || (now_s() - start < min_s && t.size() < 1000)) {
    double t0 = now_s();
    f();
    t.push_back((now_s() - t0) * 1e6);
  }
  return median(t);
}

// The copy and the vectorised path timed in alternation (copy, vector, copy, vector, ...), so a
// shared, noisy machine slows both alike and their ratio stays meaningful.
template <class F, class G>
std::pair<double, double> time_cpu_pair(F f, G g, double min_s) {
  f();
  g();
  std::vector<double> tf, tg;
  double start = now_s();
  while (tf.size() < 5 || (now_s() - start < 2 * min_s && tf.size() < 1000)) {
    double t0 = now_s();
    f();
    double t1 = now_s();
    g();
    double t2 = now_s();
    tf.push_back((t1 - t0) * 1e6);
    tg.push_back((t2 - t1) * 1e6);
  }
  return {median(tf), median(tg)};
}

std::string cpu_case(const Options& o, DType dt, const Shape& s) {
  const size_t e = size_t(dtype_size(dt));
  const int64_t thd = s.T * s.H * s.D, rows = s.T * s.H;
  std::vector<char> parts(size_t(2 * thd) * e), out(size_t(thd) * e);
  std::vector<float> lses(size_t(2 * rows)), out_lse(size_t(rows), 0.f);
  std::mt19937_64 rng(uint64_t(s.T * 131 + s.H * 7 + s.D));
  fill_host(dt, parts.data(), 2 * thd, rng, -2.f, 2.f);
  std::uniform_real_distribution<float> u(-8.f, 8.f);
  for (auto& l : lses) l = u(rng);
  MergeArgs a;
  a.dtype = dt; a.T = s.T; a.H = s.H; a.D = s.D;
  a.prefix = parts.data(); a.suffix = parts.data() + size_t(thd) * e;
  a.prefix_lse = lses.data(); a.suffix_lse = lses.data() + rows;
  a.out = out.data(); a.out_lse = out_lse.data();
  default_strides(a);
  const double bytes = merge_bytes(dt, s.T, s.H, s.D);
  const int threads = o.threads > 0 ? o.threads : cpu::hardware_threads();
  std::vector<char> csrc(size_t(bytes / 2)), cdst(size_t(bytes / 2));
  std::memset(csrc.data(), 1, csrc.size());
  std::memset(cdst.data(), 0, cdst.size());
  std::ostringstream j;
  j << "{\"device\":\"cpu\",\"dtype\":" << jstr(dtype_name(dt)) << ",\"T\":" << s.T << ",\"H\":"
    << s.H << ",\"D\":" << s.D << ",\"S\":2,\"bytes\":" << jnum(bytes) << ",\"threads\":" << threads;
  auto vector_fn = [&] { cpu::merge_vector(a, threads); };
  const auto [cp, vector_us] = time_cpu_pair(
      [&] { cpu::parallel_memcpy(cdst.data(), csrc.data(), csrc.size(), threads); }, vector_fn, o.cpu_min_seconds);
  j << ",\"copy\":{\"bytes\":" << jnum(bytes) << ",\"coldUs\":" << jnum(cp)
    << ",\"coldMinUs\":null,\"steadyUs\":null,\"error\":null}";
  j << ",\"impls\":[";
  bool first = true;
  auto one = [&](const char* name, auto fn, double us) {
    j << (first ? "" : ",") << "{\"name\":" << jstr(name) << ",\"bytes\":" << jnum(bytes)
      << ",\"coldUs\":" << jnum(us) << ",\"coldMinUs\":null,\"steadyUs\":null";
    first = false;
    if (o.check) {
      std::memset(out.data(), 0xff, out.size());
      std::memset(out_lse.data(), 0xff, out_lse.size() * 4);
      fn();
      j << ",\"diff\":" << diff_json(cpu::compare(a, cpu::default_tol(dt), 1e-5, 0));
    }
    j << ",\"edge\":" << edge_check_json(name, dt, s.D) << ",\"error\":null}";
  };
  if (o.cpu_scalar) {
    auto scalar_fn = [&] { cpu::merge_scalar(a); };
    one("scalar", scalar_fn, time_cpu(scalar_fn, o.cpu_min_seconds));
  }
  one("vector", vector_fn, vector_us);
  j << "]}";
  return j.str();
}

}  // namespace

std::string run(const Options& o) {
  const gpu::Info& gi = gpu::info();
  bool use_gpu = o.device == "gpu" || (o.device == "auto" && gi.available);
  std::ostringstream j;
  j << "{\"tool\":\"abserve-native-bench\",\"deviceInfo\":" << device_json() << ",\"device\":"
    << jstr(use_gpu ? "gpu" : "cpu");
  if (use_gpu && o.empty_launch) {
    std::string err;
    double us = gpu::empty_launch_us(2000, err);
    j << ",\"emptyLaunchUs\":" << jnum(us);
  }
  j << ",\"cases\":[";
  bool first = true;
  for (DType dt : o.dtypes)
    for (const Shape& s : o.shapes) {
      j << (first ? "" : ",") << (use_gpu ? gpu_case(o, dt, s, 0) : cpu_case(o, dt, s));
      first = false;
      if (use_gpu && o.S > 2) j << "," << gpu_case(o, dt, s, o.S);
    }
  j << "]}";
  return j.str();
}

}}  // namespace mas::bench
