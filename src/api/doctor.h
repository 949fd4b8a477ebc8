// `mailjobs doctor`'s checks (issue 16): everything an operator should know after installing or
// when something seems wrong, each one CheckResult (core/check.h) with how to fix it. Here, below
// cli/, so the web dashboard can show the same list. Read-only: the database is opened as it is
// (never created, migrated or switched to WAL), nothing is sent; only `deep` opens a connection
// to the SMTP server.
#pragma once
#include <vector>

#include "core/check.h"
#include "core/config.h"

namespace mj {

struct DoctorOptions {
    bool deep = false;  // --deep: connect to the SMTP server
    int64_t now = 0;    // wall clock, unix seconds
};

// The checks in order: config, database (file, schema, WAL, file system, auto_vacuum, free disk,
// free space for the next backup),
// cron, mail, TLS, DNS, limits. `config` has loaded without problems (a configuration that does
// not load is the caller's one failed check: nothing else can be read without it).
std::vector<CheckResult> run_doctor(const Config& config, const DoctorOptions& options);

// True when every check is ok (`doctor` exits 0 only then).
bool all_ok(const std::vector<CheckResult>& checks);

}  // namespace mj
