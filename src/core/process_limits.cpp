#include "core/process_limits.h"

#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mj {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "";
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::optional<int64_t> limit(int resource) {
    struct rlimit rl {};
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return std::nullopt;
    return static_cast<int64_t>(rl.rlim_cur);
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

std::optional<std::string> cgroup_v2_path(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return std::nullopt;
}

std::optional<int64_t> parse_memory_max(const std::string& text) {
    const std::string t = trim(text);
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 18) return std::nullopt;
    return std::stoll(t);
}

std::optional<double> parse_cpu_max(const std::string& text) {
    std::istringstream in(trim(text));
    std::string quota, period;
    if (!(in >> quota) || quota == "max") return std::nullopt;
    if (!(in >> period)) period = "100000";
    auto q = parse_memory_max(quota), p = parse_memory_max(period);  // both plain integers
    if (!q || !p || *p == 0) return std::nullopt;
    return static_cast<double>(*q) / static_cast<double>(*p);
}

ProcessLimits read_process_limits(const std::string& sys_fs_cgroup, const std::string& proc_self_cgroup) {
    ProcessLimits l;
    l.address_space = limit(RLIMIT_AS);
    l.data = limit(RLIMIT_DATA);
    l.cpu_seconds = limit(RLIMIT_CPU);
    l.file_size = limit(RLIMIT_FSIZE);
    l.open_files = limit(RLIMIT_NOFILE);
    auto path = cgroup_v2_path(read_file(proc_self_cgroup));
    if (!path) return l;
    l.cgroup = *path;
    // The group's own limit, else the nearest ancestor's (a limit on a parent slice binds too).
    std::string p = *path;
    while (true) {
        const std::string dir = sys_fs_cgroup + (p == "/" ? "" : p);
        if (!l.cgroup_memory) l.cgroup_memory = parse_memory_max(read_file(dir + "/memory.max"));
        if (!l.cgroup_cpus) l.cgroup_cpus = parse_cpu_max(read_file(dir + "/cpu.max"));
        if (p == "/" || p.empty()) break;
        auto slash = p.rfind('/');
        p = slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
    }
    return l;
}

}  // namespace mj
