// mas_bench: the microbench without Node (for GPU hosts such as vLLM containers). Prints one JSON
// document on stdout; `abserve micro --from-json FILE` formats it.
//
//   mas_bench [--shapes TxHxD,...] [--dtypes bfloat16,float16,float32] [--device auto|gpu|cpu]
//             [--cold-iters N] [--steady-reps N] [--s N] [--threads N] [--no-naive] [--no-check]
//             [--edge IMPL:DTYPE:D] [--kernel FILE.cu|FILE.so]...
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include "mas_bench.h"
#include "mas_gpu.h"

using namespace mas;

static bool parse_shapes(const std::string& s, std::vector<bench::Shape>& out) {
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    long long T, H, D;
    char tail;
    if (std::sscanf(s.substr(i, j - i).c_str(), "%lldx%lldx%lld%c", &T, &H, &D, &tail) != 3 ||
        T <= 0 || H <= 0 || D <= 0)
      return false;
    out.push_back({T, H, D});
    i = j + 1;
  }
  return !out.empty();
}

int main(int argc, char** argv) {
  bench::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "mas_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--shapes") {
      if (!parse_shapes(val(), o.shapes)) {
        std::fprintf(stderr, "mas_bench: --shapes wants TxHxD[,TxHxD...] with positive sizes\n");
        return 2;
      }
    } else if (a == "--dtypes") {
      std::string s = val();
      size_t k = 0;
      while (k <= s.size()) {
        size_t e = s.find(',', k);
        if (e == std::string::npos) e = s.size();
        DType d;
        if (!bench::parse_dtype(s.substr(k, e - k), d)) {
          std::fprintf(stderr, "mas_bench: unknown dtype '%s'\n", s.substr(k, e - k).c_str());
          return 2;
        }
        o.dtypes.push_back(d);
        k = e + 1;
      }
    } else if (a == "--device") {
      o.device = val();
    } else if (a == "--cold-iters") {
      o.cold_iters = std::atoi(val().c_str());
    } else if (a == "--steady-reps") {
      o.steady_reps = std::atoi(val().c_str());
    } else if (a == "--s") {
      o.S = std::atoi(val().c_str());
    } else if (a == "--threads") {
      o.threads = std::atoi(val().c_str());
    } else if (a == "--no-naive") {
      o.naive = false;
    } else if (a == "--no-check") {
      o.check = false;
    } else if (a == "--kernel") {
      const std::string f = val();
      std::string err;
      const int id = gpu::load_kernel(f, err);
      if (id < 0) {
        std::fprintf(stderr, "mas_bench: --kernel %s: %s\n", f.c_str(), err.c_str());
        return 2;
      }
      o.kernels.push_back(id);
    } else if (a == "--edge") {
      std::string s = val();
      size_t c1 = s.find(':'), c2 = s.rfind(':');
      DType d;
      if (c1 == std::string::npos || c2 == c1 || !bench::parse_dtype(s.substr(c1 + 1, c2 - c1 - 1), d)) {
        std::fprintf(stderr, "mas_bench: --edge wants IMPL:DTYPE:D\n");
        return 2;
      }
      std::printf("%s\n", bench::edge_check_json(s.substr(0, c1), d, std::atoll(s.c_str() + c2 + 1)).c_str());
      return 0;
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "mas_bench: merge_attn_states microbench without Node; prints JSON on stdout\n"
          "  --shapes TxHxD,...        default: published + anchor grids\n"
          "  --dtypes bfloat16,float16,float32\n"
          "  --device auto|gpu|cpu     default auto\n"
          "  --cold-iters N --steady-reps N --s N (S-way parts, > 2) --threads N\n"
          "  --no-naive --no-check --edge IMPL:DTYPE:D --info\n"
          "  --kernel FILE              your merge_attn_states (.cu compiled with nvcc, or .so) in the\n"
          "                             C contract of native/mas_user_kernel.h; repeat to compare files\n"
          "Format the output with: abserve micro --from-json FILE\n");
      return 0;
    } else if (a == "--info") {
      std::printf("%s\n", bench::device_json().c_str());
      return 0;
    } else {
      std::fprintf(stderr, "mas_bench: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (o.device != "auto" && o.device != "gpu" && o.device != "cpu") {
    std::fprintf(stderr, "mas_bench: --device is auto, gpu or cpu\n");
    return 2;
  }
  if (o.cold_iters < 1 || o.steady_reps < 1) {
    std::fprintf(stderr, "mas_bench: --cold-iters and --steady-reps must be >= 1\n");
    return 2;
  }
  if (o.shapes.empty()) o.shapes = {{512, 16, 128}, {4096, 16, 128}, {4096, 32, 128}, {4096, 128, 128},
                                    {16384, 128, 128}, {4096, 32, 64}, {4096, 32, 256}};
  if (o.dtypes.empty()) o.dtypes = {DType::BF16};
  std::printf("%s\n", bench::run(o).c_str());
  return 0;
}
