// The limits this process can see (issue 16, `mailjobs doctor`): its rlimits (getrlimit) and its
// cgroup v2's memory.max and cpu.max (/proc/self/cgroup names the group under /sys/fs/cgroup).
// cPanel's CloudLinux LVE and systemd slices put them there; a tick that needs more memory than
// memory.max is killed, and cpu.max stretches the wall clock a time budget is measured on.
// The parsers are pure and unit-tested (tests/unit/process_limits_test.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mj {

// The cgroup v2 path of this process from /proc/self/cgroup's text: the "0::/path" line; nullopt
// when there is none (cgroup v1 only, or no cgroups).
std::optional<std::string> cgroup_v2_path(const std::string& proc_self_cgroup);

// memory.max: bytes, or nullopt for "max" (no limit) and anything unreadable.
std::optional<int64_t> parse_memory_max(const std::string& text);

// cpu.max "QUOTA PERIOD": CPUs the group may use (0.5 = half of one), nullopt for "max ...".
std::optional<double> parse_cpu_max(const std::string& text);

struct ProcessLimits {
    std::optional<int64_t> address_space;  // RLIMIT_AS, bytes (nullopt: unlimited)
    std::optional<int64_t> data;           // RLIMIT_DATA, bytes
    std::optional<int64_t> cpu_seconds;    // RLIMIT_CPU (soft): SIGXCPU after this much CPU time
    std::optional<int64_t> file_size;      // RLIMIT_FSIZE, bytes
    std::optional<int64_t> open_files;     // RLIMIT_NOFILE (soft)
    std::string cgroup;                    // "" when not found
    std::optional<int64_t> cgroup_memory;  // memory.max of the group or the nearest parent with one
    std::optional<double> cgroup_cpus;     // cpu.max likewise
};

// Reads them now. `sys_fs_cgroup` and `proc_self_cgroup` are the files' places (tests point them
// at a folder of their own).
ProcessLimits read_process_limits(const std::string& sys_fs_cgroup = "/sys/fs/cgroup",
                                  const std::string& proc_self_cgroup = "/proc/self/cgroup");

}  // namespace mj
