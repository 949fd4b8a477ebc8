// Prometheus text exposition of `mailjobs status` (for node_exporter's textfile collector, or any
// scraper that reads a file): `mailjobs status --prom FILE`, e.g. from a cron line every minute.
// Metric names start with mailjobs_; every family has HELP and TYPE lines. Jobs that never ran
// have no last-run samples (absent, not 0).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace mj {

// The text for a collect_status() object that has "queues" (add_monitoring_status).
std::string prom_text(const nlohmann::json& status);

// Writes `text` to `path` atomically: a temporary file in the same folder, fsync, rename. A reader
// sees the old file or the new one, never half. Throws Error(kExitUsage) with the reason.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace mj
