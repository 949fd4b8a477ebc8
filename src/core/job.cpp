#include "core/job.h"

#include "core/lease.h"

namespace mj {

std::atomic<int> g_stop_signal{0};

const char* outcome_name(Outcome o) {
    switch (o) {
        case Outcome::done: return "done";
        case Outcome::more: return "more";
        case Outcome::skipped: return "skipped";
        case Outcome::failed: return "failed";
    }
    return "failed";
}

const char* trigger_name(Trigger t) {
    switch (t) {
        case Trigger::cron: return "cron";
        case Trigger::manual: return "manual";
        case Trigger::worker: return "worker";
        case Trigger::api: return "api";
    }
    return "manual";
}

namespace {
ProgressObserver* g_progress = nullptr;
}

void set_progress_observer(ProgressObserver* observer) { g_progress = observer; }
ProgressObserver* progress_observer() { return g_progress; }

bool JobContext::should_stop() {
    if (g_progress) g_progress->batch(*this);  // between batches: the one place they are reported
    if (!stop_reason_.empty()) return true;
    if (g_stop_signal.load()) stop_reason_ = "signal";
    else if (std::chrono::steady_clock::now() >= deadline_) stop_reason_ = "budget reached";
    else if (lease && !lease->maybe_heartbeat()) stop_reason_ = "lease lost";
    return !stop_reason_.empty();
}

int64_t JobContext::remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now()).count();
    return left > 0 ? left : 0;
}

int64_t JobContext::older_than(const std::string& key) const {
    if (older_than_override) return *older_than_override;
    return cfg_duration(key);
}

nlohmann::json JobContext::cursor() {
    Statement q(db, "SELECT cursor FROM job_state WHERE job = ?");
    q.bind(1, job);
    if (!q.step()) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(q.column(0).as_text(), nullptr, false);
    return parsed.is_object() ? parsed : nlohmann::json::object();
}

void JobContext::cursor_set_in_txn(const nlohmann::json& c) {
    Statement q(db, "INSERT INTO job_state(job, cursor) VALUES(?, ?) ON CONFLICT(job) DO UPDATE SET cursor = excluded.cursor");
    q.bind(1, job);
    q.bind(2, c.dump());
    q.exec();
}

}  // namespace mj
