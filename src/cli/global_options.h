// Options before the command (issue 16, "CLI habits"): `mailjobs --config FILE migrate` works as
// `mailjobs migrate --config FILE`. main.cpp moves the common options (cli/common.h) found before
// the command name to just after it, so every command parses them with its own cxxopts table and
// nothing else changes. Pure: unit-tested in tests/unit/global_options_test.cpp.
#pragma once
#include <string>
#include <vector>

namespace mj {

struct CommandLine {
    std::string command;            // "" when there is none (only options, or nothing)
    std::vector<std::string> args;  // argv for the command: args[0] == command, then the options
                                    // that came before it, then everything after it, in order
    std::string error;              // "--config needs a value", an unknown option before the command
};

// words = argv[1..]. Stops at the first word that is not a common option (the command). `--help`,
// `-h` and `--version` count as a command word (main.cpp answers them), so
// `mailjobs --config F --version` is the version.
CommandLine split_command_line(const std::vector<std::string>& words);

}  // namespace mj
