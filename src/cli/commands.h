// One function per command; each file in src/cli/ holds one. They return an exit code
// (core/exit_codes.h) and throw mj::Error for failures that end the process.
#pragma once

namespace mj {

struct Command {
    const char* name;
    const char* summary;
    int (*fn)(int argc, char** argv);  // argv[0] is the command name
};

const Command* commands();  // terminated by {nullptr, ...}

int cmd_run(int argc, char** argv);
int cmd_tick(int argc, char** argv);
int cmd_worker(int argc, char** argv);
int cmd_list(int argc, char** argv);
int cmd_status(int argc, char** argv);
int cmd_history(int argc, char** argv);
int cmd_unlock(int argc, char** argv);
int cmd_config(int argc, char** argv);
int cmd_migrate(int argc, char** argv);
int cmd_vacuum(int argc, char** argv);
int cmd_backup(int argc, char** argv);
int cmd_restore(int argc, char** argv);
int cmd_cleanup(int argc, char** argv);
int cmd_doctor(int argc, char** argv);  // issue 16
int cmd_copy_to(int argc, char** argv);  // issue 19

void install_signal_handlers();

}  // namespace mj
