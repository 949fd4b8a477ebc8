// Schedules: when a job is due.
//
// Two forms are accepted in jobs.ini (`schedule = ...`):
//   every <duration>      fixed interval in absolute seconds (DST never changes it), e.g. "every 6h";
//                         "every tick" means due on every tick (interval 0).
//   <5-field cron>        "m h dom mon dow" with *, lists, ranges, steps and names (jan, mon), plus
//                         @hourly @daily @midnight @weekly @monthly @yearly @annually.
//
// Cron expressions are evaluated on the wall clock of the configured timezone (default UTC).
// DST rule (also in README): a wall time that does not exist on a spring-forward day runs at the
// first instant after the gap; a wall time that occurs twice on a fall-back day runs once, at its
// first occurrence.
//
// Stagger (BJ-28): schedules written as a macro (@daily, @weekly, @monthly, @yearly) or as an
// interval of 24h or more are shifted by a deterministic per-job offset derived from the job name,
// so daily jobs do not all start at midnight. Explicit cron times ("0 2 * * *") are never shifted:
// the operator chose that minute.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mj {

class Schedule {
public:
    // The longest interval `every` accepts: 10 years (3650d).
    static constexpr int64_t kMaxInterval = 3650LL * 86400;
    // Parses `text`; on failure returns nullopt and sets *error to a one-line reason.
    static std::optional<Schedule> parse(const std::string& text, std::string* error);

    // The first due time strictly after `after` (unix seconds, UTC) for job `job` in timezone `tz`
    // ("UTC" or an IANA name such as "Europe/Berlin"). For intervals this is plainly after +
    // interval; the scheduler uses next_due() below, which keeps intervals on their grid.
    // Returns INT64_MAX if the expression never matches (e.g. Feb 30).
    int64_t next_after(int64_t after, const std::string& job, const std::string& tz) const;

    // --- The scheduler's view (core/due.cpp, core/runner.cpp) ---
    //
    // Interval grid (issue 12.6). An interval job is due on the slots anchor + k * interval, where
    // the anchor is its stored due time (or, before its first run, the unix epoch plus its
    // stagger). A run never moves the grid: cron starting a tick at :00 one time and :01 the next
    // no longer makes `every 15m` skip a tick or `every 24h` walk later day by day.
    //
    // Early tolerance: a tick at most early_tolerance() seconds before a slot counts as on time,
    // so a tick at 12:15:00 runs a slot of 12:15:01. min(60 s, interval / 10) for intervals
    // (60 s for 15m and longer, 30 s for 5m, 0 for every tick). Cron expressions and macros have
    // minute resolution and cron starts ticks in the first seconds of their minute: 0.
    int64_t early_tolerance() const;

    // The slot a run at `now` serves, given the stored due time `due` (0 = never scheduled): for
    // intervals the latest grid slot <= now + early_tolerance() (missed slots are skipped, so a
    // long pause runs the job once), and before the first run the slot one interval before the
    // first grid slot at least interval/2 after now; for cron, `due` itself (or `now` if none).
    int64_t current_slot(int64_t due, int64_t now, const std::string& job) const;

    // The next due time after a run at `now` that served stored due time `due`: for intervals the
    // slot after current_slot() (always > now + early_tolerance(), so never due again at once);
    // every tick: now + 1; cron: next_after(now).
    int64_t next_due(int64_t due, int64_t now, const std::string& job, const std::string& tz) const;

    // Explicit time (issue 12.7): a cron expression, not a macro, whose minute and hour fields both
    // name values ("0 2 * * *", "30 1,13 * * mon"). Such a job's first run is at that time, not on
    // the first tick after installation; intervals, macros and "*/15 * * * *" run on the first tick.
    bool explicit_time() const { return explicit_time_; }

    // The first due time of a job that has never been scheduled, on a tick at `now`: 0 (= due
    // now) unless explicit_time(); then the first matching minute at or after the start of the
    // current minute (a tick at 02:00:40 still runs "0 2 * * *").
    int64_t first_due(int64_t now, const std::string& job, const std::string& tz) const;

    // Seconds of deterministic stagger for `job` (0 for explicit cron times and short intervals).
    // Derived from FNV-1a (64-bit) of the job name, so it is the same on every run and machine:
    //   @daily @midnight @weekly @monthly @yearly @annually: (hash % 180) minutes, i.e. 0..2h59m.
    //     next_after() adds it to the macro's local wall time (00:00 -> e.g. 01:37) and then applies
    //     the DST rule above to the shifted wall time. @hourly is not staggered.
    //   every <d> with d >= 24h: (hash % (min(d/8, 3h) in minutes)) minutes. next_after() ignores it;
    //     it offsets the interval grid of a job that has no stored due time yet (next_due).
    int64_t stagger(const std::string& job) const;

    bool every_tick() const { return kind_ == Kind::interval && interval_ == 0; }
    const std::string& text() const { return text_; }

private:
    enum class Kind { interval, cron };
    Kind kind_ = Kind::interval;
    int64_t interval_ = 0;
    bool macro_ = false;           // written as @daily/@weekly/@monthly/@yearly (stagger applies; not @hourly)
    bool explicit_time_ = false;   // cron with fixed minute and hour (see explicit_time())
    // Bit n set = value n matches. dow uses bits 0-6 (Sunday = 0; a "7" in the text is folded into 0).
    uint64_t minute_bits_ = 0, hour_bits_ = 0, dom_bits_ = 0, month_bits_ = 0, dow_bits_ = 0;
    // Field text starts with '*' (Vixie cron's DOM_STAR/DOW_STAR). If neither is starred, a day
    // matches when dom OR dow matches; otherwise both must match.
    bool dom_star_ = true, dow_star_ = true;

    bool day_matches(int64_t year, int month, int day) const;
    std::string text_;
};

// Timezone helpers (also used by log timestamps and `--now` parsing).
// Offset of `tz` from UTC in seconds at instant `t`. Returns false if the zone is unknown.
bool tz_offset(const std::string& tz, int64_t t, int64_t* offset);
bool tz_valid(const std::string& tz);

}  // namespace mj
