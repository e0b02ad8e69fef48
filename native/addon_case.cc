// N-API DeviceCase: device-resident buffers for timing from JavaScript (gpu::Case), with run(impl)
// as the hot path of the host-cost measurement.
#include <memory>

#include "addon_args.h"

namespace mas { namespace addon {

namespace {
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

}  // namespace

Napi::Function device_case_class(Napi::Env env) { return DeviceCase::Init(env); }

}}  // namespace mas::addon
