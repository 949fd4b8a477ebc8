// mailjobs migrate: bring the schema up to this binary's version (first use does it too), with a
// backup first when an existing schema is upgraded (core/startup.h migrate_database).
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/index_steps.h"
#include "core/startup.h"

namespace mj {

int cmd_migrate(int argc, char** argv) {
    cxxopts::Options o("mailjobs migrate", "Apply pending schema migrations.");
    add_common_options(o);
    auto args = parse_args(o, argc, argv);
    Config config = load_config(args);
    auto db = Db::open(config.path("general", "database"), config.duration("general", "busy_timeout") * 1000, Db::Migrate::no,
                       Db::options(config));
    int before = db->schema_version();
    const std::string backup = migrate_database(*db, config);
    const int applied = db->schema_version() - before;
    std::printf("%s: schema version %d -> %d (%d migration%s applied)%s\n", db->path().c_str(), before,
                db->schema_version(), applied, applied == 1 ? "" : "s", backup.empty() ? "" : ("; backup first: " + backup).c_str());
    // The index rebuilds no cron run makes on a big table (core/index_steps.h): here, where the
    // operator chose the time. Each one is one transaction; the application waits for it.
    for (const auto& s : apply_index_steps(*db, true))
        std::printf("%s: index %s rebuilt over ~%lld rows in %lld ms\n", db->path().c_str(), s.index.c_str(),
                    static_cast<long long>(s.rows), static_cast<long long>(s.ms));
    return 0;
}

}  // namespace mj
