#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/process_limits.h"

using namespace mj;

TEST_CASE("cgroup v2 path from /proc/self/cgroup", "[process_limits]") {
    CHECK(cgroup_v2_path("0::/user.slice/user-1000.slice/session-3.scope\n") == "/user.slice/user-1000.slice/session-3.scope");
    CHECK(cgroup_v2_path("12:memory:/lve1000\n0::/\n") == "/");
    CHECK_FALSE(cgroup_v2_path("12:memory:/lve1000\n11:cpu,cpuacct:/lve1000\n"));
    CHECK_FALSE(cgroup_v2_path(""));
}

TEST_CASE("memory.max and cpu.max", "[process_limits]") {
    CHECK(parse_memory_max("536870912\n") == 536870912);
    CHECK_FALSE(parse_memory_max("max\n"));
    CHECK_FALSE(parse_memory_max(""));
    CHECK_FALSE(parse_memory_max("12k"));
    CHECK(parse_cpu_max("50000 100000\n") == 0.5);
    CHECK(parse_cpu_max("200000 100000") == 2.0);
    CHECK_FALSE(parse_cpu_max("max 100000\n"));
    CHECK_FALSE(parse_cpu_max("x 100000"));
    CHECK_FALSE(parse_cpu_max("1000 0"));
}

TEST_CASE("limits of a group come from it or its nearest parent", "[process_limits]") {
    char tmpl[] = "/tmp/mj-cg.XXXXXX";
    std::string root = mkdtemp(tmpl);
    auto put = [](const std::string& path, const std::string& text) { std::ofstream(path) << text; };
    mkdir((root + "/user.slice").c_str(), 0700);
    mkdir((root + "/user.slice/job").c_str(), 0700);
    put(root + "/cgroup", "0::/user.slice/job\n");
    put(root + "/user.slice/job/memory.max", "max\n");
    put(root + "/user.slice/memory.max", "1073741824\n");
    put(root + "/user.slice/job/cpu.max", "25000 100000\n");
    auto l = read_process_limits(root, root + "/cgroup");
    CHECK(l.cgroup == "/user.slice/job");
    CHECK(l.cgroup_memory == 1073741824);
    CHECK(l.cgroup_cpus == 0.25);
    // No cgroup v2 line: no group limits.
    put(root + "/cgroup", "4:memory:/x\n");
    l = read_process_limits(root, root + "/cgroup");
    CHECK(l.cgroup.empty());
    CHECK_FALSE(l.cgroup_memory);
    std::system(("rm -rf " + root).c_str());
}
