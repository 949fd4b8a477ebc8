// mailjobs: every background job of an email-forwarding service, in one static binary.
// main() is a list of steps; each command lives in src/cli/<command>.cpp.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "api/cgi.h"
#include "cli/commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"

#ifndef MAILJOBS_VERSION
#define MAILJOBS_VERSION "dev"
#endif

namespace mj {

const Command* commands() {
    static const Command table[] = {
        {"tick", "run every due job inside one time budget (the crontab entry)", cmd_tick},
        {"run", "run named jobs now: run JOB... [--dry-run] [--max-runtime D] [--older-than D] [--now T]", cmd_run},
        {"worker", "run the schedule in a long-running loop (VPS/systemd)", cmd_worker},
        {"list", "jobs with schedule, priority, last and next run", cmd_list},
        {"status", "running jobs, last outcomes, consecutive failures", cmd_status},
        {"history", "recent runs with counts: history [JOB]", cmd_history},
        {"cleanup", "seed 003's cleanup API: cleanup stats|preview|execute|history|status [--json]", cmd_cleanup},
        {"config", "effective configuration with the origin of each value", cmd_config},
        {"migrate", "apply pending schema migrations", cmd_migrate},
        {"vacuum", "return free pages to the disk now, in short steps: vacuum [--max-runtime D] [--dry-run]", cmd_vacuum},
        {"unlock", "remove a job's lease: unlock JOB [--force]", cmd_unlock},
        {nullptr, nullptr, nullptr}};
    return table;
}

}  // namespace mj

namespace {

void usage() {
    std::printf("mailjobs %s: background jobs of an email-forwarding service, one SQLite file.\n\n"
                "usage: mailjobs COMMAND [options]   (mailjobs COMMAND --help for options)\n\n",
                MAILJOBS_VERSION);
    for (const mj::Command* c = mj::commands(); c->name; ++c) std::printf("  %-10s %s\n", c->name, c->summary);
    std::printf("\nexit codes: 0 ok, 1 a job failed, 2 usage or config, 3 database, 4 locked, 130 interrupted\n");
}

}  // namespace

int main(int argc, char** argv) {
    // 1. Signals only set a stop flag; jobs stop between batches.
    mj::install_signal_handlers();
    // 2. Run by a web server as a CGI program: answer the API, not a command line.
    if (std::getenv("GATEWAY_INTERFACE")) return mj::cgi_main();
    // 3. Find the command (no command: usage).
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        usage();
        return argc < 2 ? mj::kExitUsage : mj::kExitOk;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
        std::printf("mailjobs %s\n", MAILJOBS_VERSION);
        return mj::kExitOk;
    }
    const mj::Command* cmd = mj::commands();
    while (cmd->name && std::strcmp(cmd->name, argv[1]) != 0) ++cmd;
    // 4. Run it; every failure ends here as one line and a documented exit code.
    try {
        if (!cmd->name) {
            std::vector<std::string> names;
            for (const mj::Command* c = mj::commands(); c->name; ++c) names.push_back(c->name);
            std::string hint = mj::did_you_mean(argv[1], names);
            throw mj::Error(mj::kExitUsage, std::string("unknown command '") + argv[1] + "'" +
                                                (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        return cmd->fn(argc - 1, argv + 1);
    } catch (const mj::Error& e) {
        std::fprintf(stderr, "mailjobs: error: %s\n", e.what());
        return e.code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mailjobs: error: %s\n", e.what());
        return mj::kExitDatabase;
    }
}
