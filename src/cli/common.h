// What every command shares: the common options, the start-up they select (core/startup.h: the
// configuration, exit 2 on any problem, all listed; the log; the database, exit 3), and --now.
#pragma once
#include <cxxopts.hpp>

#include <string>
#include <vector>

#include "core/config.h"
#include "core/runner.h"
#include "core/startup.h"  // open_database, for every command

namespace mj {

// --config, --set, --database, --quiet, --verbose, --log-format, --json
void add_common_options(cxxopts::Options& options);

// Parses argv for a command; a bad flag is Error(kExitUsage).
cxxopts::ParseResult parse_args(cxxopts::Options& options, int argc, char** argv);

// The shared start-up's load_config (core/startup.h) from the common options: every configuration
// layer and the log. Problems are printed, all of them, and are Error(kExitUsage). Commands then
// call core's open_database.
// `extra_sets` are command-specific overrides ("general.time_budget=5s").
Config load_config(const cxxopts::ParseResult& args, std::vector<std::string> extra_sets = {});

// For `mailjobs config`: the [retention.NAME] problems open_database would refuse (exit 2, all
// listed), found with the database opened read-only and never created; a note on stderr says
// when the file could not be checked or does not exist yet.
void check_policies_read_only(const Config& config);

// --now: unix seconds or ISO 8601: "2026-11-23", "2026-11-23T10:00", "2026-11-23 10:00:00Z",
// "2026-11-23T10:00:00+01:00" (no offset = UTC), between 1970 and 2099; anything else is
// Error(kExitUsage). Default: the clock.
int64_t parse_now(const std::string& text);
int64_t now_from(const cxxopts::ParseResult& args);

// A command that runs one job now by hand (`vacuum`, `backup`): the configuration with
// --max-runtime as general.time_budget, the database, and the job run with trigger manual (its
// lease and history row), --dry-run as given. The caller prints the result.
RunResult run_job_now(const cxxopts::ParseResult& args, const char* job);

// "12s ago", "in 3h" style, for status tables.
std::string relative_time(int64_t t, int64_t now);

}  // namespace mj
