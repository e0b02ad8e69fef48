// N-API binding (node-addon-api). Every entry validates its arguments again (the TypeScript layer
// already does, with friendlier messages) so that bad input throws instead of crashing.

#include <memory>
#include <string>

#include "addon_args.h"

using namespace mas;
using namespace mas::addon;

namespace {

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
    //  threads, naive, check, cpuMinSeconds, cpuScalar, kernels?: number[] of loadKernel ids,
    //  emptyLaunch?: boolean = true (GPU: time empty launches for emptyLaunchUs, ~10 ms))
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
    if (info.Length() > 12 && info[12].IsBoolean()) o.empty_launch = info[12].ToBoolean();
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
  exports.Set("DeviceCase", device_case_class(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(abserve_native, Init)
