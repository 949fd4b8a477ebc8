// mailjobs restore FILE
// Puts a backup back as the database, with the application stopped. In order, each refusal a
// one-line error and the database untouched:
//   1. another process has the database open (the application, a cron tick): exit 4;
//   2. its WAL is not empty (committed writes not yet in the file would be lost with it): exit 3;
//   3. FILE is not a complete backup that passes integrity_check, or its schema is newer than this
//      mailjobs: exit 3 (unpacked into DB.restore.part beside the database, removed again);
// then the current file is kept as DB.before-restore-<time> (never deleted: the operator's way back),
// the checked copy is renamed into place and the folder fsynced.
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/backup_file.h"
#include "core/error.h"
#include "core/files.h"
#include "core/text.h"

namespace mj {

int cmd_restore(int argc, char** argv) {
    cxxopts::Options o("mailjobs restore", "Put a backup back as the database (stop the application and cron first).");
    add_common_options(o);
    o.add_options()("file", "the backup (.db.gz from `mailjobs backup`, or a plain SQLite copy)", cxxopts::value<std::string>());
    o.parse_positional({"file"});
    auto args = parse_args(o, argc, argv);
    if (!args.count("file")) throw Error(kExitUsage, "restore: which backup? usage: mailjobs restore FILE");
    const std::string file = args["file"].as<std::string>();
    Config config = load_config(args);
    const std::string db = config.path("general", "database");
    // A server's database is put back with its own tools; without this the URL would be taken
    // for a file name.
    if (Db::is_server(db))
        throw Error(kExitUsage, "restore: the database is a PostgreSQL server: restore it with pg_restore or psql "
                                "(README \"Beyond one host\"); nothing was changed");
    if (Db::open_elsewhere(db))
        throw Error(kExitLocked, "restore: " + db + " is open in another process (the application or a mailjobs run): "
                                 "stop the application and comment out the cron line first; nothing was changed");
    const int64_t wal = file_size(db + "-wal");
    if (wal > 0)
        throw Error(kExitDatabase, "restore: " + db + "-wal holds " + std::to_string(wal) +
                                       " bytes of writes not yet in the database (its last user did not close it): run "
                                       "`mailjobs status` once so SQLite folds them in, then restore; nothing was changed");
    const std::string part = db + ".restore.part";
    ::unlink(part.c_str());  // a restore killed before it finished
    int version = 0;
    try {
        version = unpack_backup(file, part);
    } catch (const std::exception& e) {
        throw Error(kExitDatabase, std::string("restore: ") + e.what() + "; nothing was changed");
    }
    if (version > Db::latest_version()) {
        ::unlink(part.c_str());
        throw Error(kExitDatabase, "restore: " + file + " has schema version " + std::to_string(version) +
                                       ", newer than this mailjobs knows (" + std::to_string(Db::latest_version()) +
                                       "): restore it with the mailjobs that wrote it; nothing was changed");
    }
    std::string kept;
    if (file_size(db) >= 0) {
        kept = db + ".before-restore-" + backup_name(static_cast<int64_t>(std::time(nullptr))).substr(9, 16);
        publish_file(db, kept);
    }
    ::unlink((db + "-shm").c_str());
    ::unlink((db + "-wal").c_str());
    publish_file(part, db);
    print("restore: %s is now %s (schema version %d, integrity ok)%s\n", printable(db).c_str(), printable(file).c_str(), version,
          kept.empty() ? "" : ("; the previous file is kept as " + printable(kept)).c_str());
    if (version < Db::latest_version())
        print("restore: the next mailjobs command migrates it to schema version %d (with a backup first)\n", Db::latest_version());
    return kExitOk;
}

}  // namespace mj
