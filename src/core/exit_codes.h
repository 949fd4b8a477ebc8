// Exit codes: one table, used by every command (README "Exit codes" repeats it for operators).
// Numbers are part of the interface for cron and monitoring; never renumber, only append.
#pragma once

namespace mj {

enum ExitCode : int {
    kExitOk = 0,           // every job done, nothing due, or budget reached with work left for the next run
    kExitJobFailed = 1,    // at least one job failed (see `mailjobs history`)
    kExitUsage = 2,        // bad command line or configuration; nothing ran, no file touched
    kExitDatabase = 3,     // database unusable: missing folder, not a database, read-only, newer schema
    kExitLocked = 4,       // `run`: job held by another process or a conflicting job runs; `unlock`: lease is live
    kExitInterrupted = 130 // stopped by SIGTERM/SIGINT/SIGXCPU/SIGALRM; the current batch was committed
};

}  // namespace mj
