// mailjobs config [--json]: every effective value with its origin (default, jobs.ini:LINE, env,
// cli). Loading validates the file; any problem exits 2 before this prints anything.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"

namespace mj {
namespace {

// Secrets (tokens, passwords, HMAC keys) are never printed: `mailjobs config` output ends up in
// cron mail, support tickets and terminal scrollback. File-valued keys (*_file) are paths, shown.
std::string shown(const std::string& key, const std::string& value) {
    bool secret = key == "token" || key == "smtp_password" || key.find("secret") != std::string::npos;
    return secret && !value.empty() ? "(set, hidden)" : value;
}

}  // namespace

int cmd_config(int argc, char** argv) {
    cxxopts::Options o("mailjobs config", "Show the effective configuration with origins.");
    add_common_options(o);
    auto args = parse_args(o, argc, argv);
    Config config = load_config(args);
    if (args.count("json")) {
        nlohmann::ordered_json out;
        out["file"] = config.file();
        for (const auto& [section, keys] : config.values())
            for (const auto& [key, v] : keys) out["values"][section][key] = {{"value", shown(key, v.text)}, {"origin", v.origin}};
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("# file: %s\n", config.file_found() ? config.file().c_str() : "(none; built-in defaults)");
    for (const auto& [section, keys] : config.values()) {
        std::printf("[%s]\n", section.c_str());
        for (const auto& [key, v] : keys) {
            std::string line = key + " = " + shown(key, v.text);
            std::printf("%-56s ; %s\n", line.c_str(), v.origin.c_str());
        }
    }
    return 0;
}

}  // namespace mj
