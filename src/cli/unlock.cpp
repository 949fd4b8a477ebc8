// mailjobs unlock JOB [--force]: remove a job's lease row. A live lease (unexpired, owner alive)
// is refused unless --force, because removing it lets a second run start beside the first.
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/lease.h"

namespace mj {

int cmd_unlock(int argc, char** argv) {
    cxxopts::Options o("mailjobs unlock", "Remove a job's lease.");
    add_common_options(o);
    o.add_options()("force", "remove even a live lease")("job", "", cxxopts::value<std::string>());
    o.parse_positional({"job"});
    o.positional_help("JOB");
    auto args = parse_args(o, argc, argv);
    if (!args.count("job")) throw Error(kExitUsage, "unlock: name the job");
    std::string job = args["job"].as<std::string>();
    if (!find_job(job)) throw Error(kExitUsage, "unknown job '" + job + "'");
    Config config = load_config(args);
    auto db = open_database(config);
    int removed = 0;
    db->write([&] {
        if (args.count("force")) {
            for (const auto& key : Lease::keys_of(*db, job)) {  // the job's slots too ([job.NAME] parallel_runs)
                Statement q(*db, "DELETE FROM job_locks WHERE job = ?");
                q.bind(1, key);
                removed += q.exec();
            }
            return;
        }
        LeaseHolder live;
        auto r = release_dead_lease_in_txn(*db, job, &live);  // the dashboard's "release" uses the same rule
        if (r == DeadLeaseRelease::live)
            throw Error(kExitLocked, job + " is held by a live run (" + live.owner + ", heartbeat " +
                                         std::to_string(wall_now() - live.heartbeat_at) + "s ago); use --force to remove it anyway");
        removed = r == DeadLeaseRelease::released;
    });
    std::printf("%s: %s\n", job.c_str(), removed ? "lease removed" : "no lease held");
    return 0;
}

}  // namespace mj
