// Fuzz target: a whole jobs.ini through Config::load (the key table, every type's validation,
// did-you-mean) and, for a file that loads, the [retention.NAME] policy checks `mailjobs config`
// runs (against the schema a new database gets; nothing is created).
// Invariants: nothing but mj::Error-free problems comes out of load (no other exception, no
// crash); every value of a file that loads is readable through its typed getter.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/config.h"
#include "core/job_catalogue.h"
#include "jobs/registry.h"
#include "retention/operator_policies.h"

namespace {

const std::string& ini_path() {
    static const std::string p = [] {
        char dir[] = "/tmp/mj-fuzz-config.XXXXXX";
        if (!mkdtemp(dir)) std::abort();
        return std::string(dir) + "/jobs.ini";
    }();
    return p;
}

void read_typed(const mj::Config& c, const std::string& section, const std::string& key, const mj::Value& v) {
    if (!v.def || v.text.empty()) return;
    switch (v.def->type) {
        case mj::KeyType::integer: c.integer(section, key); break;
        case mj::KeyType::boolean: c.boolean(section, key); break;
        case mj::KeyType::duration: c.duration(section, key); break;
        case mj::KeyType::millis: c.millis(section, key); break;
        case mj::KeyType::mode: c.file_mode(section, key); break;
        case mj::KeyType::list:
        case mj::KeyType::durations: c.list(section, key); break;
        case mj::KeyType::path: c.path(section, key); break;
        default: c.str(section, key); break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::FILE* f = std::fopen(ini_path().c_str(), "wb");
        if (!f) std::abort();
        if (size) std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    // The catalogue is filled at start-up (jobs/registry.h), here on the first input.
    static const std::vector<mj::JobDefaults> jobs = [] {
        mj::register_jobs();
        return mj::job_defaults();
    }();
    mj::LoadOptions o;
    o.file = ini_path();
    o.jobs = jobs;
    std::vector<mj::ConfigProblem> problems;
    mj::Config config = mj::Config::load(o, &problems);
    for (const auto& p : problems)
        if (p.message.empty() || p.message.find('\n') != std::string::npos) std::abort();  // one line each
    if (!problems.empty()) return 0;
    for (const auto& [section, keys] : config.values())
        for (const auto& [key, value] : keys) read_typed(config, section, key, value);
    if (!config.retention_sections().empty()) {
        std::string note;
        // A file that does not exist: checked against a new database's schema, never created.
        const std::string db = ini_path() + ".absent.db";
        mj::check_operator_policies_read_only(db, config, 100, &note);
        if (access(db.c_str(), F_OK) == 0) std::abort();
    }
    return 0;
}
