// mailjobs config [--json]: every effective value with its origin (default, jobs.ini:LINE, env,
// cli). Loading validates the file, and [retention.NAME] policies are checked against the database
// (read-only, never created); any problem exits 2 before this prints anything.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {
namespace {

// Secrets (tokens, passwords, HMAC keys) are never printed: `mailjobs config` output ends up in
// cron mail, support tickets and terminal scrollback. File-valued keys (*_file) are paths, shown.
// URLs (alerts webhook_url, a job's ping_url) carry their key in the path, query or user info
// (hooks.slack.com/services/T../B../XXX, hc-ping.com/<uuid>): only scheme and host are shown.
std::string masked_url(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return "(set, hidden)";
    size_t host_start = scheme_end + 3;
    size_t host_end = url.find_first_of("/?#", host_start);
    std::string authority = url.substr(host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
    auto at = authority.rfind('@');
    bool hidden = at != std::string::npos;
    if (hidden) authority = authority.substr(at + 1);
    std::string rest = host_end == std::string::npos ? "" : url.substr(host_end);
    hidden = hidden || (!rest.empty() && rest != "/");
    return url.substr(0, host_start) + authority + (hidden ? "/***" : rest);
}

std::string shown(const Value& v, const std::string& key) {
    const std::string& value = v.text;
    if (value.empty()) return value;
    auto ends_with = [&key](const char* tail) { return key.size() >= std::strlen(tail) && key.compare(key.size() - std::strlen(tail), std::string::npos, tail) == 0; };
    bool secret = key == "token" || ends_with("password") || key.find("secret") != std::string::npos;
    if (secret) return "(set, hidden)";
    if (v.def && v.def->type == KeyType::url) return masked_url(value);
    return value;
}

}  // namespace

int cmd_config(int argc, char** argv) {
    cxxopts::Options o("mailjobs config", "Show the effective configuration with origins.");
    add_common_options(o);
    auto args = parse_args(o, argc, argv);
    Config config = load_config(args);
    check_policies_read_only(config);  // everything tick would refuse, without writing the database
    if (args.count("json")) {
        nlohmann::ordered_json out;
        out["file"] = config.file();
        for (const auto& [section, keys] : config.values())
            for (const auto& [key, v] : keys) out["values"][section][key] = {{"value", shown(v, key)}, {"origin", v.origin}};
        print_json(out);  // issue 11.4: a non-UTF-8 value does not break --json
        return 0;
    }
    print("# file: %s\n", config.file_found() ? config.file().c_str() : "(none; built-in defaults)");
    for (const auto& [section, keys] : config.values()) {
        print("[%s]\n", section.c_str());
        for (const auto& [key, v] : keys) {
            std::string line = key + " = " + shown(v, key);
            print("%-56s ; %s\n", printable(line).c_str(), v.origin.c_str());
        }
    }
    return 0;
}

}  // namespace mj
