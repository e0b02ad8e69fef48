// Probe (v6, NOTES.md): can a merge kernel reach >= 98% of a same-bytes copy, cold, at 51-102 MB?
// Times side by side, cold (512 MB memset or 512 MB read right before each call, CUDA events, median
// of N, implementations interleaved per iteration): cudaMemcpyAsync D2D of bytes/2 (what torch's
// copy_ does), a 16-byte copy kernel, the production band kernel (v5: tile grid, evict_last stores;
// v4: plain stores), and merge kernels fed by the bulk copy engine (cp.async.bulk 1D loads into
// shared memory completing on an mbarrier, NS stages, a grid of G CTAs walking chunks of R rows),
// with global or bulk stores. Checks every merge output bit for bit against v5 (same MUFU weights).
// `--once IMPL FLUSH` runs one flush + one call (for ncu --replay-mode application).
// Build: nvcc -O3 -std=c++17 -arch=sm_90 -I.. band_probe.cu -o band_probe
#include <cuda_runtime.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include "merge_attn_states.cuh"

#define CK(x) do { cudaError_t e_ = (x); if (e_) { printf("%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); exit(1); } } while (0)
using namespace mas;
using namespace mas::cuda;

// ---- bulk-copy (TMA 1D) helpers -------------------------------------------------------------
__device__ __forceinline__ uint32_t saddr(const void* p) { return uint32_t(__cvta_generic_to_shared(p)); }
__device__ __forceinline__ void mbar_init(uint64_t* b, int n) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(saddr(b)), "r"(n));
}
__device__ __forceinline__ void mbar_expect(uint64_t* b, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" :: "r"(saddr(b)), "r"(bytes) : "memory");
}
__device__ __forceinline__ void mbar_wait(uint64_t* b, uint32_t parity) {
  uint32_t done = 0;
  while (!done)
    asm volatile("{ .reg .pred p; mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2; selp.u32 %0, 1, 0, p; }"
                 : "=r"(done) : "r"(saddr(b)), "r"(parity) : "memory");
}
__device__ __forceinline__ void bulk_load(void* dst, const void* src, uint32_t bytes, uint64_t* b) {
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
               :: "r"(saddr(dst)), "l"(src), "r"(bytes), "r"(saddr(b)) : "memory");
}
__device__ __forceinline__ void bulk_store(void* dst, const void* src, uint32_t bytes, bool el) {
  if (el)
    asm volatile("cp.async.bulk.global.shared::cta.bulk_group.L2::cache_hint [%0], [%1], %2, %3;"
                 :: "l"(dst), "r"(saddr(src)), "r"(bytes), "l"(policy_evict_last(1.f)) : "memory");
  else
    asm volatile("cp.async.bulk.global.shared::cta.bulk_group [%0], [%1], %2;"
                 :: "l"(dst), "r"(saddr(src)), "r"(bytes) : "memory");
  asm volatile("cp.async.bulk.commit_group;" ::: "memory");
}
__device__ __forceinline__ void bulk_wait_read0() { asm volatile("cp.async.bulk.wait_group.read 0;" ::: "memory"); }
__device__ __forceinline__ void bulk_wait0() { asm volatile("cp.async.bulk.wait_group 0;" ::: "memory"); }

// STORE: 0 global 16-byte stores, 1 the same with evict_last, 2 bulk store from shared memory,
// 3 bulk store with evict_last. Contiguous [T,H,D] only; rows % R == 0.
template <DType DT, int DC, int R, int NS, int STORE>
__global__ void __launch_bounds__(256) merge_bulk_kernel(const OptParams p, uint32_t nchunks) {
  using D_ = Dev<DT>;
  using T = typename D_::T;
  constexpr int VEC = 16 / sizeof(T), PPR = DC / VEC, PACKS = R * PPR;
  constexpr uint32_t CB = R * DC * sizeof(T);
  using P = Pack<T, VEC>;
  extern __shared__ __align__(128) uint8_t sm[];
  uint64_t* bars = reinterpret_cast<uint64_t*>(sm + NS * 2 * CB);
  const int tid = threadIdx.x;
  const T* X = static_cast<const T*>(p.prefix);
  const T* Y = static_cast<const T*>(p.suffix);
  T* O = static_cast<T*>(p.out);
  auto issue = [&](uint32_t c, int s) {
    mbar_expect(&bars[s], 2 * CB);
    bulk_load(sm + s * 2 * CB, X + size_t(c) * R * DC, CB, &bars[s]);
    bulk_load(sm + s * 2 * CB + CB, Y + size_t(c) * R * DC, CB, &bars[s]);
  };
  if (tid == 0) {
    for (int s = 0; s < NS; ++s) mbar_init(&bars[s], 1);
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    for (int s = 0; s < NS; ++s) {
      const uint32_t c = blockIdx.x + s * gridDim.x;
      if (c < nchunks) issue(c, s);
    }
  }
  __syncthreads();
  for (uint32_t i = 0;; ++i) {
    const uint32_t c = blockIdx.x + i * gridDim.x;
    if (c >= nchunks) break;
    const int s = i % NS;
    // LSE loads before the wait: their latency overlaps the bulk copy.
    constexpr int PER = (PACKS + 255) / 256;
    RowWeights w[PER];
#pragma unroll
    for (int j = 0; j < PER; ++j) {
      const int k = tid + j * 256;
      if (k < PACKS) {
        const uint32_t row = c * R + k / PPR, t = p.divH.div(row), h = row - t * p.H;
        w[j] = weights<true>(p.prefix_lse, p.suffix_lse, h * p.T + t);
        if (k % PPR == 0 && p.out_lse) p.out_lse[h * p.T + t] = w[j].lse;
      }
    }
    mbar_wait(&bars[s], (i / NS) & 1);
    const P* a = reinterpret_cast<const P*>(sm + s * 2 * CB);
    const P* b = reinterpret_cast<const P*>(sm + s * 2 * CB + CB);
    P* ob = reinterpret_cast<P*>(sm + s * 2 * CB);  // results overwrite the prefix chunk
#pragma unroll
    for (int j = 0; j < PER; ++j) {
      const int k = tid + j * 256;
      if (k < PACKS) {
        const P x = a[k], y = b[k];
        float fa[VEC], fb[VEC];
        D_::to_f(x.v, fa, VEC);
        D_::to_f(y.v, fb, VEC);
#pragma unroll
        for (int e = 0; e < VEC; ++e) fa[e] = w[j].kind == 1 ? 0.f : fa[e] * w[j].wp + fb[e] * w[j].ws;
        P r;
        D_::from_f(fa, r.v, VEC);
        if constexpr (STORE >= 2) ob[k] = r;
        else st_pack<STORE == 1 ? 9 : 0>(reinterpret_cast<P*>(O + size_t(c) * R * DC) + k, r, policy_evict_last(p.el_frac));
      }
    }
    if constexpr (STORE >= 2) asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    __syncthreads();
    if (tid == 0) {
      if constexpr (STORE >= 2) {
        bulk_store(O + size_t(c) * R * DC, sm + s * 2 * CB, CB, STORE == 3);
        bulk_wait_read0();
      }
      const uint32_t cn = c + NS * gridDim.x;
      if (cn < nchunks) issue(cn, s);
    }
  }
  if constexpr (STORE >= 2) if (tid == 0) bulk_wait0();
}

__global__ void copy16(const uint4* __restrict__ s, uint4* __restrict__ d, size_t n) {
  const size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  if (i < n) d[i] = s[i];
}
__global__ void read_flush(const uint4* p, size_t n, unsigned* sink) {
  unsigned acc = 0;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    uint4 v = p[i]; acc ^= v.x + v.y + v.z + v.w;
  }
  if (acc == 0x12345678u) sink[0] = acc;
}
__global__ void fill_inputs(uint16_t* x, size_t n, uint32_t seed, bool f32) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    uint32_t h = uint32_t(i) * 2654435761u ^ seed; h ^= h >> 13; h *= 0x5bd1e995u; h ^= h >> 15;
    const float v = (float(h & 0xffff) / 65536.f - 0.5f) * 4.f;
    if (f32) reinterpret_cast<float*>(x)[i] = v;
    else x[i] = uint16_t(__float_as_uint(v) >> 16);  // bf16 by truncation: any finite value will do
  }
}
__global__ void fill_lse(float* l, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    uint32_t h = uint32_t(i) * 2246822519u ^ seed; h ^= h >> 13; h *= 0x5bd1e995u; h ^= h >> 15;
    l[i] = (float(h & 0xffff) / 65536.f - 0.5f) * 8.f;
  }
}

struct Case { bool f32; int T, H, D; };
struct Bufs {
  void *x, *y, *o, *ref; float *pl, *sl, *ol, *olref; uint8_t *c0, *c1, *flush; unsigned* sink;
  size_t elems, bytes, half;
};

using Launch = void (*)(const Case&, const Bufs&, OptParams&, cudaStream_t);
template <DType DT, int DC, int CACHE, int FRAC_PERMILLE = 1000>
void go_tile_k(const Case& c, const Bufs&, OptParams& p, cudaStream_t st) {
  p.el_frac = FRAC_PERMILLE / 1000.f;
  using TS = TileShape<16 / sizeof(typename Dev<DT>::T), DC>;
  dim3 block(RowShape<16 / sizeof(typename Dev<DT>::T), DC>::BX, RowShape<16 / sizeof(typename Dev<DT>::T), DC>::BY);
  dim3 grid((c.H + TS::HH - 1) / TS::HH, (c.T + TS::TT - 1) / TS::TT);
  merge_tile_kernel<DT, 16 / sizeof(typename Dev<DT>::T), DC, CACHE, true, true><<<grid, block, 0, st>>>(p);
}
template <DType DT, int DC, int R, int NS, int STORE, int CPS>
void go_bulk_k(const Case& c, const Bufs&, OptParams& p, cudaStream_t st) {
  constexpr uint32_t CB = R * DC * sizeof(typename Dev<DT>::T);
  const size_t smem = NS * 2 * CB + NS * 8;
  static bool init = false;
  if (!init) {
    CK(cudaFuncSetAttribute(merge_bulk_kernel<DT, DC, R, NS, STORE>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
    init = true;
  }
  const uint32_t nchunks = uint32_t(size_t(c.T) * c.H / R);
  const uint32_t g = CPS > 0 ? std::min<uint32_t>(nchunks, 132u * CPS) : nchunks;
  merge_bulk_kernel<DT, DC, R, NS, STORE><<<g, 256, smem, st>>>(p, nchunks);
}
struct Impl { const char* name; Launch f; };

template <DType DT, int DC>
std::vector<Impl> impls() {
  return {
    {"plain", go_tile_k<DT, DC, 0>},
    {"v4", go_tile_k<DT, DC, 3>},
    {"v5", go_tile_k<DT, DC, 9>},
    {"v5 el0.75", go_tile_k<DT, DC, 9, 750>},
    {"v5 el0.5", go_tile_k<DT, DC, 9, 500>},
    {"v5 el0.25", go_tile_k<DT, DC, 9, 250>},
    {"v5 el0.125", go_tile_k<DT, DC, 9, 125>},
    {"bulk R32 NS1 all", go_bulk_k<DT, DC, 32, 1, 0, 0>},
    {"bulk R32 NS1 all el", go_bulk_k<DT, DC, 32, 1, 1, 0>},
    {"bulk R16 NS1 all el", go_bulk_k<DT, DC, 16, 1, 1, 0>},
    {"bulk R64 NS1 all el", go_bulk_k<DT, DC, 64, 1, 1, 0>},
    {"bulk R32 NS4 g2 el", go_bulk_k<DT, DC, 32, 4, 1, 2>},
    {"bulk R32 NS3 g4 el", go_bulk_k<DT, DC, 32, 3, 1, 4>},
    {"bulk R16 NS4 g4 el", go_bulk_k<DT, DC, 16, 4, 1, 4>},
    {"bulk R32 NS1 all bst", go_bulk_k<DT, DC, 32, 1, 2, 0>},
    {"bulk R32 NS1 all bstel", go_bulk_k<DT, DC, 32, 1, 3, 0>},
    {"bulk R32 NS4 g2 bstel", go_bulk_k<DT, DC, 32, 4, 3, 2>},
  };
}

static std::vector<Impl> impls_for(const Case& c) {
  if (c.f32) return c.D == 64 ? impls<DType::F32, 64>() : impls<DType::F32, 128>();
  return c.D == 64 ? impls<DType::BF16, 64>() : impls<DType::BF16, 128>();
}

static float med(std::vector<float> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

int main(int argc, char** argv) {
  const char* once = nullptr; int once_flush = 1; int iters = 40; std::string only;
  bool seq = false, vary = false, merges_only = false; std::string pre;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--once") && i + 2 < argc) { once = argv[++i]; once_flush = atoi(argv[++i]); }
    else if (!strcmp(argv[i], "--iters") && i + 1 < argc) iters = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--shapes") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(argv[i], "--pre") && i + 1 < argc) pre = argv[++i];  // untimed call before every flush
    else if (!strcmp(argv[i], "--seq")) seq = true;          // all iterations of one impl, then the next
    else if (!strcmp(argv[i], "--vary")) vary = true;        // a new memset value for every flush
    else if (!strcmp(argv[i], "--core")) merges_only = true; // no bulk-copy kernels
  }
  std::vector<Case> cases = {{false, 4096, 16, 128}, {false, 4096, 32, 64}, {false, 4096, 32, 128},
                             {true, 4096, 16, 128}, {true, 4096, 32, 64}, {false, 6144, 32, 128},
                             {false, 8192, 32, 128}, {false, 16384, 32, 128}};
  cudaStream_t st; CK(cudaStreamCreate(&st));
  cudaEvent_t e0, e1; CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
  const size_t flushBytes = size_t(512) << 20;
  for (const Case& c : cases) {
    char key[64];
    snprintf(key, sizeof key, "%s %dx%dx%d", c.f32 ? "fp32" : "bf16", c.T, c.H, c.D);
    if (!only.empty() && only.find(key) == std::string::npos) continue;
    const size_t es = c.f32 ? 4 : 2;
    Bufs b; b.elems = size_t(c.T) * c.H * c.D;
    const size_t rows = size_t(c.T) * c.H;
    b.bytes = 3 * b.elems * es + 3 * rows * 4; b.half = b.bytes / 2;
    CK(cudaMalloc(&b.x, b.elems * es)); CK(cudaMalloc(&b.y, b.elems * es)); CK(cudaMalloc(&b.o, b.elems * es));
    CK(cudaMalloc(&b.ref, b.elems * es));
    CK(cudaMalloc(&b.pl, rows * 4)); CK(cudaMalloc(&b.sl, rows * 4)); CK(cudaMalloc(&b.ol, rows * 4)); CK(cudaMalloc(&b.olref, rows * 4));
    CK(cudaMalloc(&b.c0, b.half + 16)); CK(cudaMalloc(&b.c1, b.half + 16)); CK(cudaMalloc(&b.flush, flushBytes)); CK(cudaMalloc(&b.sink, 4));
    fill_inputs<<<1024, 256>>>((uint16_t*)b.x, b.elems, 1, c.f32); fill_inputs<<<1024, 256>>>((uint16_t*)b.y, b.elems, 2, c.f32);
    fill_lse<<<256, 256>>>(b.pl, rows, 3); fill_lse<<<256, 256>>>(b.sl, rows, 4);
    CK(cudaMemset(b.c0, 1, b.half + 16));
    CK(cudaDeviceSynchronize());
    OptParams p{};
    p.prefix = b.x; p.suffix = b.y; p.out = b.o; p.prefix_lse = b.pl; p.suffix_lse = b.sl; p.out_lse = b.ol;
    p.p_tok = p.s_tok = p.o_tok = int64_t(c.H) * c.D; p.p_head = p.s_head = p.o_head = c.D;
    p.T = c.T; p.H = c.H; p.rows = uint32_t(rows); p.ppr = c.D / (16 / es); p.divH = FastDiv(c.H); p.el_frac = 1.f;
    std::vector<Impl> im = impls_for(c);
    // names: 0 memcpy, 1 copyk, then merges
    std::vector<std::string> names = {"memcpy D2D", "copy kernel"};
    for (auto& i : im) names.push_back(i.name);
    auto run = [&](size_t k) {
      if (k == 0) CK(cudaMemcpyAsync(b.c1, b.c0, b.half, cudaMemcpyDeviceToDevice, st));
      else if (k == 1) { const size_t n = b.half / 16; copy16<<<unsigned((n + 255) / 256), 256, 0, st>>>((const uint4*)b.c0, (uint4*)b.c1, n); }
      else im[k - 2].f(c, b, p, st);
    };
    unsigned fcount = 0;
    auto flush = [&](int kind, int it) {
      if (kind == 1) CK(cudaMemsetAsync(b.flush, (vary ? ++fcount : unsigned(it)) & 0xff, flushBytes, st));
      else if (kind == 2) read_flush<<<132 * 8, 256, 0, st>>>((const uint4*)b.flush, flushBytes / 16, b.sink);
    };
    if (once) {
      for (size_t k = 0; k < names.size(); ++k)
        if (names[k] == once) { flush(once_flush, 0); run(k); }
      CK(cudaStreamSynchronize(st)); CK(cudaGetLastError());
      return 0;
    }
    // correctness: v5 is the reference (same weights code); every other merge must match it bit for bit
    p.out = b.ref; p.out_lse = b.olref; im[1].f(c, b, p, st); CK(cudaStreamSynchronize(st)); CK(cudaGetLastError());
    p.out = b.o; p.out_lse = b.ol;
    std::vector<std::string> bad(names.size());
    for (size_t k = 2; k < names.size(); ++k) {
      CK(cudaMemsetAsync(b.o, 0xff, b.elems * es, st)); CK(cudaMemsetAsync(b.ol, 0xff, rows * 4, st));
      run(k); CK(cudaStreamSynchronize(st)); CK(cudaGetLastError());
      std::vector<uint8_t> h1(b.elems * es), h2(b.elems * es), l1(rows * 4), l2(rows * 4);
      CK(cudaMemcpy(h1.data(), b.o, h1.size(), cudaMemcpyDeviceToHost)); CK(cudaMemcpy(h2.data(), b.ref, h2.size(), cudaMemcpyDeviceToHost));
      CK(cudaMemcpy(l1.data(), b.ol, l1.size(), cudaMemcpyDeviceToHost)); CK(cudaMemcpy(l2.data(), b.olref, l2.size(), cudaMemcpyDeviceToHost));
      if (h1 != h2 || l1 != l2) bad[k] = " MISMATCH";
    }
    for (int fk = 1; fk <= 2; ++fk) {
      std::vector<std::vector<float>> t(names.size());
      size_t nk = names.size();
      if (merges_only)
        for (size_t k = 0; k < names.size(); ++k)
          if (names[k].rfind("bulk", 0) == 0) { nk = k; break; }
      size_t prek = names.size();
      for (size_t k = 0; k < names.size(); ++k) if (names[k] == pre) prek = k;
      auto one = [&](size_t k, int it) {
        if (prek < names.size()) run(prek);
        flush(fk, it);
        CK(cudaEventRecord(e0, st)); run(k); CK(cudaEventRecord(e1, st));
        CK(cudaEventSynchronize(e1)); float ms; CK(cudaEventElapsedTime(&ms, e0, e1));
        if (it >= 3) t[k].push_back(ms * 1000);
      };
      if (seq) { for (size_t k = 0; k < nk; ++k) for (int it = 0; it < iters + 3; ++it) one(k, it); }
      else { for (int it = 0; it < iters + 3; ++it) for (size_t k = 0; k < nk; ++k) one(k, it); }
      const float cp = med(t[0]);
      printf("%s %.1f MB, flush=%s%s, %s (median of %d, us, %% = memcpy / impl):\n", key, b.bytes / 1e6,
             fk == 1 ? "memset" : "read", vary ? " (new value each)" : "", seq ? "sequential" : "interleaved", iters);
      if (!pre.empty()) printf("  (each timed call preceded by an untimed %s, then the flush)\n", pre.c_str());
      for (size_t k = 0; k < nk; ++k)
        printf("  %-24s %8.2f  %5.1f%%%s\n", names[k].c_str(), med(t[k]), 100 * cp / med(t[k]), bad[k].c_str());
    }
    fflush(stdout);
    for (void* q : {b.x, b.y, b.o, b.ref, (void*)b.pl, (void*)b.sl, (void*)b.ol, (void*)b.olref, (void*)b.c0, (void*)b.c1, (void*)b.flush, (void*)b.sink}) cudaFree(q);
  }
  return 0;
}
