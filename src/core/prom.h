// Prometheus text exposition of `mailjobs status` (for node_exporter's textfile collector, or any
// scraper that reads a file): `mailjobs status --prom FILE`, e.g. from a cron line every minute.
// Metric names start with mailjobs_; every family has HELP and TYPE lines. Jobs that never ran
// have no last-run samples (absent, not 0).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mj {

// The first line of every metrics file this program writes (a comment to Prometheus). It is how
// write_metrics_file recognises a file it may replace.
extern const char* const kPromHeader;

// The text for a collect_status() object that has "queues" (add_monitoring_status); starts with
// kPromHeader.
std::string prom_text(const nlohmann::json& status);

// `status --prom FILE`: replaces FILE with `text` atomically, but only if FILE is missing or is a
// regular file whose first line starts with kPromHeader, and is none of `protected_files` (the
// database, its -wal/-shm/-journal, jobs.ini, the log), compared by device+inode (hard links,
// symlinks, "./x" spellings) and by resolved name (a -wal that does not exist right now).
// Anything else is Error(kExitUsage) naming the reason; the file is not touched.
void write_metrics_file(const std::string& path, const std::string& text, const std::vector<std::string>& protected_files);

// Writes `text` to `path` atomically: a temporary file in the same folder, fsync, rename. A reader
// sees the old file or the new one, never half. Throws Error(kExitUsage) with the reason. Checks
// nothing about what it replaces: callers that take a path from the operator use
// write_metrics_file.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace mj
