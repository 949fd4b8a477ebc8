// mailjobs copy-to URL [--batch N]: copies the SQLite database ([general] database) into an empty
// PostgreSQL database, resumable and verified (core/copy_database.h says what it promises).
// Prints one line per table and a total; exit 0 when every table verified, 3 for a refused value
// or a failed verification, 2 for a bad URL, 130 when stopped (run it again to resume).
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/copy_database.h"
#include "core/error.h"
#include "core/job.h"
#include "core/text.h"

namespace mj {

int cmd_copy_to(int argc, char** argv) {
    cxxopts::Options o("mailjobs copy-to", "Copy the SQLite database into an empty PostgreSQL database (resumable, verified).");
    add_common_options(o);
    o.add_options()
        ("batch", "rows per transaction (default 1000)", cxxopts::value<int64_t>()->default_value("1000"))
        ("url", "postgresql://USER@HOST:PORT/DBNAME", cxxopts::value<std::string>());
    o.parse_positional({"url"});
    o.positional_help("postgresql://USER@HOST:PORT/DBNAME");
    auto args = parse_args(o, argc, argv);
    if (!args.count("url")) throw Error(kExitUsage, "copy-to: name the target: mailjobs copy-to postgresql://USER@HOST:PORT/DBNAME");
    const std::string url = args["url"].as<std::string>();
    if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0)
        throw Error(kExitUsage, "copy-to: the target must be a postgresql:// URL, got '" + url + "'");
    Config config = load_config(args);
    const int64_t busy = config.duration("general", "busy_timeout") * 1000;
    auto from = Db::open(config.path("general", "database"), busy, Db::Migrate::no, Db::options(config));
    auto to = Db::open(url, busy, Db::Migrate::yes, Db::options(config));
    install_signal_handlers();
    CopyOptions options;
    options.batch_rows = std::max<int64_t>(1, args["batch"].as<int64_t>());
    options.stop = [] { return g_stop_signal.load() != 0; };
    const bool quiet = args.count("quiet") > 0;
    const CopyResult r = copy_database(*from, *to, options);
    if (args.count("json")) {
        nlohmann::json j = {{"rows", r.rows}, {"copied", r.copied}, {"left_out", r.left_out}, {"tables", nlohmann::json::array()}};
        for (const auto& t : r.tables)
            j["tables"].push_back({{"table", t.table}, {"rows", t.rows}, {"copied", t.copied}, {"resumed", t.resumed}, {"checksum", t.checksum}});
        print_json(j);
        return 0;
    }
    if (!quiet)
        for (const auto& t : r.tables)
            std::printf("%-28s %10lld rows  verified %s%s\n", t.table.c_str(), static_cast<long long>(t.rows), t.checksum.c_str(),
                        t.resumed ? "  (resumed)" : "");
    for (const auto& t : r.left_out)
        std::printf("%-28s not in mailjobs' schema: left in the SQLite file (the application moves its own tables)\n", t.c_str());
    std::printf("copy-to: %lld rows in %zu tables verified (%lld copied by this run)\n", static_cast<long long>(r.rows),
                r.tables.size(), static_cast<long long>(r.copied));
    return 0;
}

}  // namespace mj
