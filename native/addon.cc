// N-API binding (node-addon-api). Every entry validates its arguments again (the TypeScript layer
// already does, with friendlier messages) so that bad input throws instead of crashing.
#define NAPI_VERSION 8
#include <napi.h>

#include <memory>
#include <string>

#include "mas_bench.h"
#include "mas_cpu.h"
#include "mas_gpu.h"
#include "mas_user.h"

using namespace mas;

namespace {

struct Fail {
  std::string msg;
};

DType get_dtype(const Napi::Value& v) {
  if (!v.IsNumber()) throw Fail{"dtype must be 0 (float32), 1 (float16) or 2 (bfloat16)"};
  int d = v.As<Napi::Number>().Int32Value();
  if (d < 0 || d > 2) throw Fail{"dtype must be 0 (float32), 1 (float16) or 2 (bfloat16)"};
  return DType(d);
}

int64_t get_int(const Napi::Value& v, const char* name, int64_t lo) {
  if (!v.IsNumber()) throw Fail{std::string(name) + " must be a number"};
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= double(lo)) || d != double(int64_t(d)) || d > 9.0e15)
    throw Fail{std::string(name) + " must be an integer >= " + std::to_string(lo)};
  return int64_t(d);
}

struct Arr {
  void* data;
  size_t len;
};

Arr get_arr(const Napi::Value& v, napi_typedarray_type want, const char* name) {
  if (!v.IsTypedArray()) throw Fail{std::string(name) + " must be a typed array"};
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != want) {
    const char* w = want == napi_float32_array ? "Float32Array"
                    : want == napi_uint16_array ? "Uint16Array" : "Float64Array";
    throw Fail{std::string(name) + " must be a " + w};
  }
  uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data());
  return {base + ta.ByteOffset(), ta.ElementLength()};
}

napi_typedarray_type data_type(DType d) { return d == DType::F32 ? napi_float32_array : napi_uint16_array; }

// Elements a strided [T,H,D] view needs.
int64_t view_len(int64_t T, int64_t H, int64_t D, int64_t tok, int64_t head) {
  return (T - 1) * tok + (H - 1) * head + D;
}

// (dtype, T, H, D, prefix, suffix, plse, slse, out, outLse|null, strides[6]|undefined)
MergeArgs get_merge_args(const Napi::CallbackInfo& info, size_t at, int64_t& np, int64_t& ns,
                         int64_t& no, bool ref_out = false) {
  MergeArgs a;
  a.dtype = get_dtype(info[at]);
  a.T = get_int(info[at + 1], "T", 1);
  a.H = get_int(info[at + 2], "H", 1);
  a.D = get_int(info[at + 3], "D", 1);
  if (a.T * a.H >= (int64_t(1) << 31)) throw Fail{"T*H must be below 2^31"};
  Napi::Value st = info[at + 10];
  if (st.IsArray()) {
    Napi::Array s = st.As<Napi::Array>();
    if (s.Length() != 6) throw Fail{"strides must hold 6 numbers"};
    int64_t* dst[6] = {&a.p_tok, &a.p_head, &a.s_tok, &a.s_head, &a.o_tok, &a.o_head};
    for (uint32_t i = 0; i < 6; ++i) *dst[i] = get_int(s.Get(i), "stride", 0);
  } else if (!st.IsUndefined() && !st.IsNull()) {
    throw Fail{"strides must be an array of 6 numbers"};
  }
  if (ref_out) a.o_tok = a.o_head = 0;
  default_strides(a);
  Arr p = get_arr(info[at + 4], data_type(a.dtype), "prefix");
  Arr s = get_arr(info[at + 5], data_type(a.dtype), "suffix");
  Arr pl = get_arr(info[at + 6], napi_float32_array, "prefixLse");
  Arr sl = get_arr(info[at + 7], napi_float32_array, "suffixLse");
  Arr o = get_arr(info[at + 8], ref_out ? napi_float64_array : data_type(a.dtype), "out");
  const size_t rows = size_t(a.T * a.H);
  np = view_len(a.T, a.H, a.D, a.p_tok, a.p_head);
  ns = view_len(a.T, a.H, a.D, a.s_tok, a.s_head);
  no = view_len(a.T, a.H, a.D, a.o_tok, a.o_head);
  if (a.o_head < a.D || a.o_tok < (a.H - 1) * a.o_head + a.D)
    throw Fail{"output strides would make heads or tokens overlap"};
  if (size_t(np) > p.len) throw Fail{"prefix is too short for T, H, D and its strides"};
  if (size_t(ns) > s.len) throw Fail{"suffix is too short for T, H, D and its strides"};
  if (size_t(no) > o.len) throw Fail{"out is too short for T, H, D and its strides"};
  if (pl.len != rows) throw Fail{"prefixLse must hold H*T values"};
  if (sl.len != rows) throw Fail{"suffixLse must hold H*T values"};
  a.prefix = p.data;
  a.suffix = s.data;
  a.out = o.data;
  a.prefix_lse = static_cast<const float*>(pl.data);
  a.suffix_lse = static_cast<const float*>(sl.data);
  a.out_lse = nullptr;
  if (!info[at + 9].IsNull() && !info[at + 9].IsUndefined()) {
    Arr ol = get_arr(info[at + 9], ref_out ? napi_float64_array : napi_float32_array, "outLse");
    if (ol.len != rows) throw Fail{"outLse must hold H*T values"};
    a.out_lse = static_cast<float*>(ol.data);
  }
  return a;
}

// (dtype, S, T, H, D, parts, lses, out, outLse|null)
MergeSArgs get_s_args(const Napi::CallbackInfo& info, size_t at, bool ref_out = false) {
  MergeSArgs a;
  a.dtype = get_dtype(info[at]);
  a.S = get_int(info[at + 1], "S", 1);
  a.T = get_int(info[at + 2], "T", 1);
  a.H = get_int(info[at + 3], "H", 1);
  a.D = get_int(info[at + 4], "D", 1);
  if (a.T * a.H >= (int64_t(1) << 31)) throw Fail{"T*H must be below 2^31"};
  const size_t rows = size_t(a.T * a.H), thd = rows * size_t(a.D);
  Arr p = get_arr(info[at + 5], data_type(a.dtype), "parts");
  Arr l = get_arr(info[at + 6], napi_float32_array, "lses");
  Arr o = get_arr(info[at + 7], ref_out ? napi_float64_array : data_type(a.dtype), "out");
  if (p.len != size_t(a.S) * thd) throw Fail{"parts must hold S*T*H*D values"};
  if (l.len != size_t(a.S) * rows) throw Fail{"lses must hold S*H*T values"};
  if (o.len != thd) throw Fail{"out must hold T*H*D values"};
  a.parts = p.data;
  a.lses = static_cast<const float*>(l.data);
  a.out = o.data;
  if (!info[at + 8].IsNull() && !info[at + 8].IsUndefined()) {
    Arr ol = get_arr(info[at + 8], ref_out ? napi_float64_array : napi_float32_array, "outLse");
    if (ol.len != rows) throw Fail{"outLse must hold H*T values"};
    a.out_lse = static_cast<float*>(ol.data);
  }
  return a;
}

bool valid_impl(int i) { return (i >= 0 && i <= gpu::COPY) || user::get(i) != nullptr; }

int get_gpu_impl(const Napi::Value& v) {
  int i = int(get_int(v, "impl", 0));
  if (!valid_impl(i)) throw Fail{"unknown GPU implementation id"};
  return i;
}

template <class F>
Napi::Value guard(const Napi::CallbackInfo& info, F f) {
  Napi::Env env = info.Env();
  try {
    return f(env);
  } catch (const Fail& e) {
    Napi::TypeError::New(env, e.msg).ThrowAsJavaScriptException();
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    Napi::Error::New(env, "out of host memory").ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    Napi::Error::New(env, e.what()).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

void check(const std::string& err) {
  if (!err.empty()) throw Fail{err};
}

Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value { return Napi::String::New(env, bench::device_json()); });
}

Napi::Value MergeCpu(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    std::string impl = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    int64_t np, ns, no;
    MergeArgs a = get_merge_args(info, 1, np, ns, no);
    int threads = int(get_int(info[12], "threads", 0));
    if (impl == "scalar") cpu::merge_scalar(a);
    else if (impl == "vector") cpu::merge_vector(a, threads);
    else throw Fail{"CPU implementation must be 'scalar' or 'vector'"};
    return env.Undefined();
  });
}

Napi::Value MergeGpu(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    int impl = get_gpu_impl(info[0]);
    if (impl == gpu::MERGE_S || impl == gpu::COPY) throw Fail{"not a two-way implementation"};
    int64_t np, ns, no;
    MergeArgs a = get_merge_args(info, 1, np, ns, no);
    check(gpu::merge_host(impl, a, np, ns, no));
    return env.Undefined();
  });
}

Napi::Value Reference(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    int64_t np, ns, no;
    MergeArgs a = get_merge_args(info, 0, np, ns, no, true);
    cpu::reference(a, static_cast<double*>(a.out), reinterpret_cast<double*>(a.out_lse), 0);
    return env.Undefined();
  });
}

Napi::Value MergeSCpu(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    std::string impl = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    MergeSArgs a = get_s_args(info, 1);
    int threads = int(get_int(info[10], "threads", 0));
    if (impl == "scalar") cpu::merge_s_scalar(a);
    else if (impl == "vector") cpu::merge_s_vector(a, threads);
    else throw Fail{"CPU implementation must be 'scalar' or 'vector'"};
    return env.Undefined();
  });
}

Napi::Value MergeSGpu(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    MergeSArgs a = get_s_args(info, 0);
    check(gpu::merge_s_host(a));
    return env.Undefined();
  });
}

Napi::Value ReferenceS(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    MergeSArgs a = get_s_args(info, 0, true);
    cpu::reference_s(a, static_cast<double*>(a.out), reinterpret_cast<double*>(a.out_lse), 0);
    return env.Undefined();
  });
}

Napi::Value EdgeCheck(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[0].IsString()) throw Fail{"impl must be a string"};
    std::string impl = info[0].As<Napi::String>().Utf8Value();
    DType dt = get_dtype(info[1]);
    int64_t D = get_int(info[2], "D", 1);
    return Napi::String::New(env, bench::edge_check_json(impl, dt, D));
  });
}

Napi::Value Bench(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    // (shapes: number[] flat T,H,D..., dtypes: number[], device, coldIters, steadyReps, S,
    //  threads, naive, check, cpuMinSeconds, cpuScalar, kernels?: number[] of loadKernel ids)
    bench::Options o;
    if (!info[0].IsArray() || !info[1].IsArray()) throw Fail{"shapes and dtypes must be arrays"};
    Napi::Array sh = info[0].As<Napi::Array>(), dts = info[1].As<Napi::Array>();
    if (sh.Length() % 3 != 0 || sh.Length() == 0) throw Fail{"shapes must be a flat T,H,D list"};
    for (uint32_t i = 0; i < sh.Length(); i += 3)
      o.shapes.push_back({get_int(sh.Get(i), "T", 1), get_int(sh.Get(i + 1), "H", 1),
                          get_int(sh.Get(i + 2), "D", 1)});
    for (uint32_t i = 0; i < dts.Length(); ++i) o.dtypes.push_back(get_dtype(dts.Get(i)));
    o.device = info[2].As<Napi::String>().Utf8Value();
    o.cold_iters = int(get_int(info[3], "coldIters", 1));
    o.steady_reps = int(get_int(info[4], "steadyReps", 1));
    o.S = int(get_int(info[5], "S", 0));
    o.threads = int(get_int(info[6], "threads", 0));
    o.naive = info[7].ToBoolean();
    o.check = info[8].ToBoolean();
    o.cpu_min_seconds = info[9].As<Napi::Number>().DoubleValue();
    o.cpu_scalar = info[10].ToBoolean();
    if (info.Length() > 11 && info[11].IsArray()) {
      Napi::Array ks = info[11].As<Napi::Array>();
      for (uint32_t i = 0; i < ks.Length(); ++i) o.kernels.push_back(get_gpu_impl(ks.Get(i)));
    }
    return Napi::String::New(env, bench::run(o));
  });
}

// (file: string) -> JSON {id, name, so}: a --kernel file compiled / loaded (mas_user.h); throws the
// one-line reason ("needs a GPU: ...", nvcc's first error, a missing entry point).
Napi::Value LoadKernel(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[0].IsString()) throw Fail{"file must be a string"};
    std::string err;
    const int id = gpu::load_kernel(info[0].As<Napi::String>().Utf8Value(), err);
    if (id < 0) throw Fail{err};
    const user::Kernel* k = user::get(id);
    return Napi::String::New(env, "{\"id\":" + std::to_string(id) + ",\"name\":" + bench::json_str(k->name) +
                                      ",\"so\":" + bench::json_str(k->so) + "}");
  });
}

Napi::Value EmptyLaunchUs(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    std::string err;
    double us = gpu::empty_launch_us(int(get_int(info[0], "n", 1)), err);
    check(err);
    return Napi::Number::New(env, us);
  });
}

// Kept lean on purpose: this is what "host cost through the addon" is compared against.
Napi::Value LaunchEmpty(const Napi::CallbackInfo& info) {
  std::string err = gpu::launch_empty();
  if (!err.empty()) Napi::Error::New(info.Env(), err).ThrowAsJavaScriptException();
  return info.Env().Undefined();
}

Napi::Value DeviceSync(const Napi::CallbackInfo& info) {
  return guard(info, [&](Napi::Env env) -> Napi::Value {
    check(gpu::device_sync());
    return env.Undefined();
  });
}

class DeviceCase : public Napi::ObjectWrap<DeviceCase> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "DeviceCase",
                       {InstanceMethod("fillRandom", &DeviceCase::FillRandom),
                        InstanceMethod("upload", &DeviceCase::Upload),
                        InstanceMethod("run", &DeviceCase::Run),
                        InstanceMethod("sync", &DeviceCase::Sync),
                        InstanceMethod("timeCold", &DeviceCase::TimeCold),
                        InstanceMethod("timeSteady", &DeviceCase::TimeSteady),
                        InstanceMethod("check", &DeviceCase::Check),
                        InstanceMethod("download", &DeviceCase::Download),
                        InstanceMethod("bytes", &DeviceCase::Bytes),
                        InstanceMethod("free", &DeviceCase::Free)});
  }
  // new DeviceCase(dtype, S, T, H, D)
  DeviceCase(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceCase>(info) {
    guard(info, [&](Napi::Env env) -> Napi::Value {
      dt_ = get_dtype(info[0]);
      S_ = get_int(info[1], "S", 2);
      T_ = get_int(info[2], "T", 1);
      H_ = get_int(info[3], "H", 1);
      D_ = get_int(info[4], "D", 1);
      if (T_ * H_ >= (int64_t(1) << 31)) throw Fail{"T*H must be below 2^31"};
      std::string err;
      c_ = gpu::make_case(dt_, S_, T_, H_, D_, err);
      check(err);
      return env.Undefined();
    });
  }

 private:
  gpu::Case& c() {
    if (!c_) throw Fail{"device case is not allocated (freed, or construction failed)"};
    return *c_;
  }
  Napi::Value FillRandom(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      check(c().fill_random(uint64_t(get_int(info[0], "seed", 0))));
      return env.Undefined();
    });
  }
  Napi::Value Upload(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      Arr p = get_arr(info[0], data_type(dt_), "parts");
      Arr l = get_arr(info[1], napi_float32_array, "lses");
      if (p.len != size_t(S_ * T_ * H_ * D_)) throw Fail{"parts must hold S*T*H*D values"};
      if (l.len != size_t(S_ * T_ * H_)) throw Fail{"lses must hold S*H*T values"};
      check(c().upload(p.data, static_cast<const float*>(l.data)));
      return env.Undefined();
    });
  }
  // The hot path for host-cost timing: an int in, a launch, nothing out.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    if (c_ && info[0].IsNumber()) {
      int impl = info[0].As<Napi::Number>().Int32Value();
      if (valid_impl(impl)) {
        std::string err = c_->run(impl);
        if (!err.empty()) Napi::Error::New(info.Env(), err).ThrowAsJavaScriptException();
        return info.Env().Undefined();
      }
    }
    Napi::TypeError::New(info.Env(), "run(impl): a valid implementation id on a live case")
        .ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Napi::Value Sync(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      check(c().sync());
      return env.Undefined();
    });
  }
  Napi::Value TimeCold(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      std::vector<double> us;
      check(c().time_cold(get_gpu_impl(info[0]), int(get_int(info[1], "iters", 1)), us));
      Napi::Float64Array r = Napi::Float64Array::New(env, us.size());
      for (size_t i = 0; i < us.size(); ++i) r[i] = us[i];
      return r;
    });
  }
  Napi::Value TimeSteady(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      double us = 0;
      check(c().time_steady(get_gpu_impl(info[0]), int(get_int(info[1], "calls", 1)),
                            int(get_int(info[2], "reps", 1)), us));
      return Napi::Number::New(env, us);
    });
  }
  Napi::Value Check(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      cpu::Diff d;
      check(c().check(get_gpu_impl(info[0]), cpu::default_tol(dt_), 1e-5, d));
      Napi::Object o = Napi::Object::New(env);
      o.Set("maxAbsOut", d.max_abs_out);
      o.Set("maxAbsLse", d.max_abs_lse);
      o.Set("exceedOut", double(d.exceed_out));
      o.Set("exceedLse", double(d.exceed_lse));
      o.Set("specialMismatch", double(d.special_mismatch));
      o.Set("checked", double(d.checked));
      return o;
    });
  }
  Napi::Value Download(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      Arr o = get_arr(info[0], data_type(dt_), "out");
      Arr l = get_arr(info[1], napi_float32_array, "outLse");
      if (o.len != size_t(T_ * H_ * D_)) throw Fail{"out must hold T*H*D values"};
      if (l.len != size_t(T_ * H_)) throw Fail{"outLse must hold H*T values"};
      check(c().download(o.data, static_cast<float*>(l.data)));
      return env.Undefined();
    });
  }
  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    return guard(info, [&](Napi::Env env) -> Napi::Value {
      return Napi::Number::New(env, c().bytes(get_gpu_impl(info[0])));
    });
  }
  Napi::Value Free(const Napi::CallbackInfo& info) {
    c_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<gpu::Case> c_;
  DType dt_ = DType::F32;
  int64_t S_ = 0, T_ = 0, H_ = 0, D_ = 0;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo));
  exports.Set("mergeCpu", Napi::Function::New(env, MergeCpu));
  exports.Set("mergeGpu", Napi::Function::New(env, MergeGpu));
  exports.Set("reference", Napi::Function::New(env, Reference));
  exports.Set("mergeSCpu", Napi::Function::New(env, MergeSCpu));
  exports.Set("mergeSGpu", Napi::Function::New(env, MergeSGpu));
  exports.Set("referenceS", Napi::Function::New(env, ReferenceS));
  exports.Set("edgeCheck", Napi::Function::New(env, EdgeCheck));
  exports.Set("bench", Napi::Function::New(env, Bench));
  exports.Set("loadKernel", Napi::Function::New(env, LoadKernel));
  exports.Set("emptyLaunchUs", Napi::Function::New(env, EmptyLaunchUs));
  exports.Set("launchEmpty", Napi::Function::New(env, LaunchEmpty));
  exports.Set("deviceSync", Napi::Function::New(env, DeviceSync));
  exports.Set("DeviceCase", DeviceCase::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(abserve_native, Init)
