// Argument checking shared by the N-API binding's files (addon.cc: functions; addon_case.cc: the
// DeviceCase class): every entry validates its arguments again (the TypeScript layer already does,
// with friendlier messages) so that bad input throws instead of crashing.
#pragma once
#define NAPI_VERSION 8
#include <napi.h>

#include <string>

#include "mas_bench.h"
#include "mas_cpu.h"
#include "mas_gpu.h"
#include "mas_user.h"

namespace mas { namespace addon {

struct Fail {
  std::string msg;
};

inline DType get_dtype(const Napi::Value& v) {
  if (!v.IsNumber()) throw Fail{"dtype must be 0 (float32), 1 (float16) or 2 (bfloat16)"};
  int d = v.As<Napi::Number>().Int32Value();
  if (d < 0 || d > 2) throw Fail{"dtype must be 0 (float32), 1 (float16) or 2 (bfloat16)"};
  return DType(d);
}

inline int64_t get_int(const Napi::Value& v, const char* name, int64_t lo) {
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

inline Arr get_arr(const Napi::Value& v, napi_typedarray_type want, const char* name) {
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

inline napi_typedarray_type data_type(DType d) { return d == DType::F32 ? napi_float32_array : napi_uint16_array; }

// Elements a strided [T,H,D] view needs.
inline int64_t view_len(int64_t T, int64_t H, int64_t D, int64_t tok, int64_t head) {
  return (T - 1) * tok + (H - 1) * head + D;
}

// (dtype, T, H, D, prefix, suffix, plse, slse, out, outLse|null, strides[6]|undefined)
inline MergeArgs get_merge_args(const Napi::CallbackInfo& info, size_t at, int64_t& np, int64_t& ns,
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
inline MergeSArgs get_s_args(const Napi::CallbackInfo& info, size_t at, bool ref_out = false) {
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

inline bool valid_impl(int i) { return (i >= 0 && i <= gpu::COPY) || user::get(i) != nullptr; }

inline int get_gpu_impl(const Napi::Value& v) {
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

inline void check(const std::string& err) {
  if (!err.empty()) throw Fail{err};
}

// Registers the DeviceCase class (addon_case.cc) on `exports`.
Napi::Function device_case_class(Napi::Env env);

}}  // namespace mas::addon
