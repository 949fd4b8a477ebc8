// SIGTERM, SIGINT, SIGXCPU (CloudLinux CPU limit) and SIGALRM only set the stop flag: the job
// finishes and commits its current batch, records the run as interrupted and the process exits
// with kExitInterrupted. A second SIGINT/SIGTERM kills at once (the open batch rolls back).
#include <signal.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/job.h"

namespace mj {
namespace {

void on_signal(int sig) {
    if (g_stop_signal.exchange(sig) != 0 && (sig == SIGINT || sig == SIGTERM)) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

}  // namespace

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGXCPU, SIGALRM}) sigaction(sig, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a closed pipe to sendmail is an error to report, not a death
}

}  // namespace mj
