// Bring-your-own-kernel loader: nvcc compile (cached), dlopen, dlsym. See mas_user.h.
#include "mas_user.h"

#include <dlfcn.h>
#include <spawn.h>
#include <signal.h>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

extern char** environ;
#include <sstream>
#include <deque>
#include <vector>

#ifndef MAS_NATIVE_DIR
#define MAS_NATIVE_DIR "."
#endif

namespace mas { namespace user {

namespace {

std::mutex mu;
std::deque<Kernel>& kernels() {
  static auto* k = new std::deque<Kernel>();  // never freed; a deque keeps get()'s pointers valid
  return *k;
}

bool ends_with(const std::string& s, const std::string& t) {
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

bool is_exec(const std::string& p) { return !p.empty() && access(p.c_str(), X_OK) == 0; }

std::string find_nvcc() {
  for (const char* v : {"ABSERVE_NVCC", "CUDACXX"})
    if (const char* e = std::getenv(v); e && is_exec(e)) return e;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':'))
      if (!dir.empty() && is_exec(dir + "/nvcc")) return dir + "/nvcc";
  }
  return is_exec("/usr/local/cuda/bin/nvcc") ? "/usr/local/cuda/bin/nvcc" : "";
}

bool has_header(const std::string& dir) { return access((dir + "/mas_user_kernel.h").c_str(), R_OK) == 0; }

// The folder holding mas_user_kernel.h for -I: ABSERVE_NATIVE_SRC, the source folder this was
// built from, or native/ three levels above the running executable (build/native/Release/mas_bench).
std::string include_dir() {
  if (const char* e = std::getenv("ABSERVE_NATIVE_SRC"); e && has_header(e)) return e;
  if (has_header(MAS_NATIVE_DIR)) return MAS_NATIVE_DIR;
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    std::string d(buf, size_t(n));
    for (int up = 0; up < 4 && d.find('/') != std::string::npos; ++up) d = d.substr(0, d.find_last_of('/'));
    if (has_header(d + "/native")) return d + "/native";
  }
  return MAS_NATIVE_DIR;
}

std::string stem(const std::string& file) {
  size_t s = file.find_last_of('/');
  std::string b = s == std::string::npos ? file : file.substr(s + 1);
  size_t d = b.find_last_of('.');
  return d == std::string::npos || d == 0 ? b : b.substr(0, d);
}

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::vector<std::string> split_flags(const char* s) {
  std::vector<std::string> out;
  std::stringstream ss(s ? s : "");
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

// Runs argv with stdin from /dev/null and stdout+stderr into `log`; returns the exit status (or
// -1). posix_spawn with every signal at its default and none blocked: the caller may be Node, whose
// dispositions, signal mask and standard descriptors a compiler must not inherit.
int run(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_init(&at);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, a[0], &fa, &at, a.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) return -1;
  int st = 0;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string first_error(const std::string& log) {
  std::ifstream in(log);
  std::string line, first;
  while (std::getline(in, line)) {
    if (first.empty() && !line.empty()) first = line;
    if (line.find("error") != std::string::npos) return line;
  }
  return first;
}

// Compiles `file` to a cached .so; returns its path or "" with `err`.
std::string compile(const std::string& file, const std::string& arch, std::string& err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err = "cannot read " + file;
    return "";
  }
  std::stringstream body;
  body << in.rdbuf();
  const std::string nvcc = find_nvcc();
  if (nvcc.empty()) {
    err = "nvcc not found (ABSERVE_NVCC, CUDACXX, PATH, /usr/local/cuda/bin) to compile " + file +
          "; pass a prebuilt .so instead";
    return "";
  }
  const char* extra = std::getenv("ABSERVE_NVCC_FLAGS");
  std::vector<std::string> argv = {nvcc, "-O3", "-std=c++17", "-shared", "-Xcompiler", "-fPIC",
                                   "-gencode", "arch=compute_" + arch + ",code=sm_" + arch,
                                   "-I" + include_dir()};
  for (auto& f : split_flags(extra)) argv.push_back(f);
  std::string key = body.str() + "\n" + nvcc + "\n";
  for (auto& a : argv) key += a + " ";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(key));
  std::string dir;
  if (const char* d = std::getenv("ABSERVE_KERNEL_DIR")) dir = d;
  else dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/abserve-kernels";
  mkdir(dir.c_str(), 0755);
  const std::string so = dir + "/" + stem(file) + "-sm" + arch + "-" + hex + ".so";
  if (access(so.c_str(), R_OK) == 0) return so;  // cached: same source, flags and compiler
  const std::string tmp = so + ".tmp." + std::to_string(getpid());
  const std::string log = so + ".log";
  argv.push_back(file);
  argv.push_back("-o");
  argv.push_back(tmp);
  const int rc = run(argv, log);
  if (rc != 0) {
    unlink(tmp.c_str());
    err = "nvcc failed (exit " + std::to_string(rc) + "): " + first_error(log) + " (full log: " + log + ")";
    return "";
  }
  if (rename(tmp.c_str(), so.c_str()) != 0) {
    err = "cannot move the compiled library to " + so;
    return "";
  }
  return so;
}

}  // namespace

int load(const std::string& file, const std::string& arch, std::string& err) {
  std::lock_guard<std::mutex> lk(mu);
  struct stat st;
  if (stat(file.c_str(), &st) != 0) {
    err = "no such file: " + file;
    return -1;
  }
  std::string so = file;
  if (ends_with(file, ".cu")) {
    so = compile(file, arch, err);
    if (so.empty()) return -1;
  } else if (so.find('/') == std::string::npos) {
    so = "./" + so;  // dlopen searches the library path for bare names
  }
  void* h = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    err = std::string("cannot load ") + so + ": " + (e ? e : "dlopen failed");
    return -1;
  }
  auto fn = reinterpret_cast<abserve_merge_attn_states_fn>(dlsym(h, ABSERVE_MAS_SYMBOL));
  if (!fn) {
    err = so + " does not export " ABSERVE_MAS_SYMBOL " (the C entry point of native/mas_user_kernel.h)";
    return -1;
  }
  Kernel k;
  k.name = stem(file);
  int same = 0;
  for (const auto& o : kernels())
    if (o.name == k.name || o.name.rfind(k.name + "#", 0) == 0) ++same;
  if (same) k.name += "#" + std::to_string(same + 1);
  k.file = file;
  k.so = so;
  k.fn = fn;
  kernels().push_back(k);
  return kFirstId + int(kernels().size()) - 1;
}

const Kernel* get(int id) {
  std::lock_guard<std::mutex> lk(mu);
  const int i = id - kFirstId;
  if (i < 0 || i >= int(kernels().size())) return nullptr;
  return &kernels()[size_t(i)];
}

int find(const std::string& name) {
  std::lock_guard<std::mutex> lk(mu);
  for (size_t i = 0; i < kernels().size(); ++i)
    if (kernels()[i].name == name) return kFirstId + int(i);
  return -1;
}

}}  // namespace mas::user
