#include "cli/global_options.h"

namespace mj {
namespace {

// The common options of cli/common.cpp's add_common_options, and whether each takes a value.
// Keep in step with it (the unit test parses both forms of each).
struct Known { const char* name; bool value; };
const Known kCommon[] = {{"--config", true},     {"--set", true}, {"--database", true}, {"--log-format", true},
                         {"--quiet", false},     {"-q", false},   {"--verbose", false}, {"-v", false},
                         {"--json", false}};

const Known* find(const std::string& word, bool* inline_value) {
    for (const Known& k : kCommon) {
        const std::string n = k.name;
        if (word == n) return *inline_value = false, &k;
        if (k.value && word.size() > n.size() && word.compare(0, n.size(), n) == 0 && word[n.size()] == '=')
            return *inline_value = true, &k;
    }
    return nullptr;
}

}  // namespace

CommandLine split_command_line(const std::vector<std::string>& words) {
    CommandLine out;
    std::vector<std::string> before;
    size_t i = 0;
    for (; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.empty() || w[0] != '-') break;  // the command
        if (w == "--help" || w == "-h" || w == "--version") break;  // main.cpp answers these as commands
        bool inline_value = false;
        const Known* k = find(w, &inline_value);
        if (!k) {
            out.error = "unknown option '" + w + "' before the command (see mailjobs --help)";
            return out;
        }
        before.push_back(w);
        if (k->value && !inline_value) {
            if (i + 1 >= words.size()) {
                out.error = std::string(k->name) + " needs a value";
                return out;
            }
            before.push_back(words[++i]);
        }
    }
    if (i == words.size()) return out;  // options only: no command
    out.command = words[i];
    out.args.push_back(words[i]);
    out.args.insert(out.args.end(), before.begin(), before.end());
    out.args.insert(out.args.end(), words.begin() + static_cast<long>(i) + 1, words.end());
    return out;
}

}  // namespace mj
