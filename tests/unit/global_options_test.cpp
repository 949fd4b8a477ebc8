#include <catch2/catch.hpp>

#include "cli/global_options.h"

using mj::split_command_line;
using V = std::vector<std::string>;

TEST_CASE("options before the command move to just after it", "[global_options]") {
    auto c = split_command_line({"--config", "a.ini", "migrate"});
    CHECK(c.error.empty());
    CHECK(c.command == "migrate");
    CHECK(c.args == V{"migrate", "--config", "a.ini"});

    c = split_command_line({"--config=a.ini", "-q", "--set", "general.time_budget=5s", "run", "vacuum", "--dry-run"});
    CHECK(c.command == "run");
    CHECK(c.args == V{"run", "--config=a.ini", "-q", "--set", "general.time_budget=5s", "vacuum", "--dry-run"});

    for (const char* w : {"--database", "--log-format", "--set", "--config"}) {
        c = split_command_line({w, "x", "status"});
        CHECK(c.args == V{"status", w, "x"});
        c = split_command_line({std::string(w) + "=x", "status"});
        CHECK(c.args == V{"status", std::string(w) + "=x"});
    }
    for (const char* w : {"--quiet", "-q", "--verbose", "-v", "--json"}) {
        c = split_command_line({w, "list", "--foo"});
        CHECK(c.args == V{"list", w, "--foo"});
    }
}

TEST_CASE("a command without options before it is left alone", "[global_options]") {
    auto c = split_command_line({"status", "--json", "--config", "b.ini"});
    CHECK(c.command == "status");
    CHECK(c.args == V{"status", "--json", "--config", "b.ini"});
    // A value that looks like a command is the option's value, not the command.
    c = split_command_line({"--database", "tick", "list"});
    CHECK(c.command == "list");
}

TEST_CASE("bad options before the command are one error", "[global_options]") {
    CHECK(split_command_line({"--config"}).error == "--config needs a value");
    CHECK(split_command_line({"--bogus", "list"}).error.find("unknown option '--bogus'") == 0);
    CHECK(split_command_line({"--dry-run", "run"}).error.find("unknown option '--dry-run'") == 0);
    auto c = split_command_line({"--json"});
    CHECK(c.error.empty());
    CHECK(c.command.empty());
    CHECK(split_command_line({}).command.empty());
    c = split_command_line({"--config", "a.ini", "--version"});
    CHECK(c.command == "--version");
    CHECK(c.args == V{"--version", "--config", "a.ini"});
}
