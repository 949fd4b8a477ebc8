// dns-recheck (BJ-20). See dns_recheck.h.
#include "jobs/dns_recheck.h"

#include <map>
#include <set>

#include "core/error.h"
#include "core/log.h"
#include "core/user_data.h"
#include "delivery/dns_resolver.h"
#include "delivery/outbox.h"
#include "jobs/dns_rules.h"
#include "jobs/dns_state.h"
#include "retention/purge_connection.h"

namespace mj {
namespace {

// A claimed domain returns to the queue this long after a run that died holding it.
constexpr int64_t kClaimTtl = 600;

struct Settings {
    std::vector<std::pair<DnsRecord, bool>> records;  // (record, required), required first
    DnsExpect expect;                                  // without the token
    DnsPolicy policy;
    DnsResolverOptions resolver;
    int64_t batch = 200;
};

std::vector<DnsRecord> record_list(JobContext& ctx, const std::string& key) {
    std::vector<DnsRecord> out;
    for (const auto& name : ctx.config.list(ctx.section(), key)) {
        DnsRecord r;
        if (!parse_dns_record(name, &r))
            throw Error(kExitUsage, "[job.dns-recheck] " + key + ": unknown record '" + name + "' (txt, mx, spf, dkim, dmarc)");
        out.push_back(r);
    }
    return out;
}

Settings settings(JobContext& ctx) {
    Settings s;
    std::set<DnsRecord> seen;
    for (DnsRecord r : record_list(ctx, "require"))
        if (seen.insert(r).second) s.records.emplace_back(r, true);
    for (DnsRecord r : record_list(ctx, "optional"))
        if (seen.insert(r).second) s.records.emplace_back(r, false);
    if (!s.records.empty() && !std::any_of(s.records.begin(), s.records.end(), [](auto& p) { return p.second; }))
        throw Error(kExitUsage, "[job.dns-recheck] require: name at least one record");
    s.expect.mx_hosts = ctx.config.list(ctx.section(), "mx_hosts");
    s.expect.spf_include = ctx.cfg("spf_include");
    s.expect.dkim_selector = ctx.cfg("dkim_selector");
    s.expect.dkim_target = ctx.cfg("dkim_target");
    if (seen.count(DnsRecord::mx) && s.expect.mx_hosts.empty())
        throw Error(kExitUsage, "[job.dns-recheck] mx_hosts is empty but mx is checked: set the service's mail hosts");
    if (seen.count(DnsRecord::spf) && s.expect.spf_include.empty())
        throw Error(kExitUsage, "[job.dns-recheck] spf_include is empty but spf is checked");
    s.policy.pending_interval = ctx.cfg_duration("pending_interval");
    s.policy.pending_fast_for = ctx.cfg_duration("pending_fast_for");
    s.policy.check_interval = ctx.cfg_duration("check_interval");
    s.policy.give_up_after = ctx.cfg_duration("give_up_after");
    s.policy.fail_checks = ctx.cfg_int("fail_checks");
    s.policy.fail_span = ctx.cfg_duration("fail_span");
    s.resolver.servers = ctx.config.list(ctx.section(), "servers");
    s.resolver.timeout_ms = static_cast<int>(ctx.config.millis(ctx.section(), "timeout"));
    s.resolver.tries = static_cast<int>(ctx.cfg_int("tries"));
    s.resolver.max_in_flight = static_cast<int>(ctx.cfg_int("max_in_flight"));
    s.batch = ctx.cfg_int("batch_size");
    return s;
}

struct Domain {
    int64_t id = 0, user_id = 0, next_check_at = 0, original_next_check_at = 0;
    std::string uuid, name, token, notified, email;
    DomainState state;
};

const char* kDomainColumns =
    "SELECT d.id, d.uuid, d.name, d.status, d.verification_token, coalesce(d.notified_status, ''), d.created_at, "
    "d.check_failures, d.failing_since, d.next_check_at, d.user_id, u.email FROM domains d JOIN users u ON u.id = d.user_id ";

Domain read_domain(Statement& q) {
    Domain d;
    d.id = q.column(0).as_int64();
    d.uuid = q.column(1).as_text();
    d.name = q.column(2).as_text();
    d.state.status = q.column(3).as_text();
    d.token = q.column(4).as_text();
    d.notified = q.column(5).as_text();
    d.state.created_at = q.column(6).as_int64();
    d.state.check_failures = q.column(7).as_int64();
    if (!q.column(8).is_null()) d.state.failing_since = q.column(8).as_int64();
    d.next_check_at = d.original_next_check_at = q.column(9).as_int64();
    d.user_id = q.column(10).as_int64();
    d.email = q.column(11).as_text();
    return d;
}

// Due domains after the cursor (next_check_at, id), on the domains_next_check_at index (its
// entries end in the rowid). Users who are deleted or suspended wait (core/user_data.h).
std::vector<Domain> due_batch(JobContext& ctx, int64_t after_due, int64_t after_id, int64_t limit) {
    Statement q(ctx.db, std::string(kDomainColumns) +
                            "WHERE d.next_check_at <= ?1 AND (d.next_check_at > ?2 OR (d.next_check_at = ?2 AND d.id > ?3)) "
                            "AND NOT " + kUserInactiveSql + " ORDER BY d.next_check_at, d.id LIMIT ?4");
    q.bind_all(ctx.now, after_due, after_id, limit);
    std::vector<Domain> out;
    while (q.step()) out.push_back(read_domain(q));
    return out;
}

struct Checked {
    bool complete = true;                 // false: a query was not sent (budget): the domain goes back
    std::vector<RecordVerdict> verdicts;  // in Settings::records order
    DnsResult result = DnsResult::unknown;
    std::string last_error;
};

// Every record of every domain in one resolve() call (the same name and type asked once).
std::vector<Checked> check_all(DnsResolver& resolver, const std::vector<Domain>& domains, const Settings& s,
                               std::chrono::steady_clock::time_point start_until) {
    std::vector<DnsQuery> queries;
    std::map<std::pair<std::string, int>, size_t> index;
    std::vector<std::vector<std::vector<size_t>>> plan(domains.size());
    for (size_t i = 0; i < domains.size(); ++i)
        for (const auto& [rec, required] : s.records) {
            std::vector<size_t> ids;
            for (const auto& dq : dns_queries_for(rec, domains[i].name, s.expect)) {
                auto key = std::make_pair(dq.name, static_cast<int>(dq.type));
                auto it = index.find(key);
                if (it == index.end()) { it = index.emplace(key, queries.size()).first; queries.push_back(dq); }
                ids.push_back(it->second);
            }
            plan[i].push_back(ids);
        }
    std::vector<DnsAnswer> answers = resolver.resolve(queries, start_until);
    std::vector<Checked> out(domains.size());
    for (size_t i = 0; i < domains.size(); ++i) {
        DnsExpect e = s.expect;
        e.token = domains[i].token;
        std::vector<RecordVerdict> required;
        for (size_t k = 0; k < s.records.size(); ++k) {
            std::vector<DnsAnswer> a;
            for (size_t id : plan[i][k]) {
                a.push_back(answers[id]);
                if (answers[id].status == DnsStatus::not_sent) out[i].complete = false;
            }
            RecordVerdict v = judge_record(s.records[k].first, a, e);
            if (s.records[k].second) {
                required.push_back(v);
                if (v.result != DnsResult::pass && out[i].last_error.empty())
                    out[i].last_error = std::string(dns_record_name(v.record)) + " " + dns_result_name(v.result) + ": " + v.detail;
            }
            out[i].verdicts.push_back(v);
        }
        out[i].result = combine(required);
    }
    return out;
}

nlohmann::json records_json(const Checked& c, const Settings& s) {
    nlohmann::json arr = nlohmann::json::array();
    for (size_t k = 0; k < c.verdicts.size(); ++k)
        arr.push_back({{"record", dns_record_name(c.verdicts[k].record)}, {"required", s.records[k].second},
                       {"result", dns_result_name(c.verdicts[k].result)}, {"detail", c.verdicts[k].detail}});
    return arr;
}

std::string day_text(int64_t t) { return format_utc(t, "%d %B %Y, %H:%M UTC"); }

Notice status_notice(const Domain& d, const DomainStep& step, const Checked& c, int64_t now) {
    Notice n;
    n.user_id = d.user_id;
    n.to_address = d.email;
    n.kind = "dns_status";
    // One notice per change: the change is named by the domain, the new status and its time.
    n.dedupe_key = "dns_status:" + d.uuid + ":" + step.state.status + ":" + std::to_string(now);
    std::string lines;
    for (const auto& v : c.verdicts) lines += "  " + std::string(dns_record_name(v.record)) + ": " + dns_result_name(v.result) + " (" + v.detail + ")\n";
    if (step.state.status == "verified") {
        n.subject = "Your domain " + d.name + " is verified";
        n.body = "We found the DNS records of " + d.name + " on " + day_text(now) + ": the domain is verified and "
                 "its aliases work.\n\n" + lines;
    } else if (d.state.status == "pending") {
        n.subject = "We could not verify your domain " + d.name;
        n.body = "Since " + d.name + " was added on " + day_text(d.state.created_at) + " we have not found the DNS records "
                 "it needs, and we have stopped checking it often. Publish them and use \"check now\" on the domain's "
                 "page; we also check it once a day.\n\n" + lines;
    } else {
        n.subject = "Your domain " + d.name + " lost its verification";
        n.body = "The DNS records of " + d.name + " have been missing since " + day_text(step.state.failing_since.value_or(now)) +
                 " (" + std::to_string(step.state.check_failures) + " checks in a row). Mail for its aliases may no longer "
                 "arrive. Restore the records; we check the domain once a day and tell you when it is verified again.\n\n" + lines;
    }
    return n;
}

// One transaction: each domain's new state, its dns_checks row, the notices.
void write_results(JobContext& ctx, PurgeConnection& connection, const std::vector<Domain>& domains, const std::vector<Checked>& checked,
                   const Settings& s, int64_t claim_until, std::vector<DomainStep>* steps_out) {
    connection.write(ctx.db, [&] {
        Statement up(ctx.db,
                     "UPDATE domains SET status = ?1, check_failures = ?2, failing_since = ?3, last_checked_at = ?4, "
                     "next_check_at = CASE WHEN next_check_at = ?5 THEN ?6 WHEN next_check_at IS NULL OR next_check_at < ?6 THEN next_check_at ELSE ?6 END, "
                     "last_error = ?7, verified_at = CASE WHEN ?1 = 'verified' THEN coalesce(verified_at, ?4) ELSE verified_at END, "
                     "notified_status = ?8, updated_at = ?4 WHERE id = ?9 AND status = ?10 AND verification_token = ?11");
        Statement ins(ctx.db, "INSERT INTO dns_checks(domain_id, run_id, result, status, records, detail, checked_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        for (size_t i = 0; i < domains.size(); ++i) {
            const Domain& d = domains[i];
            const Checked& c = checked[i];
            DomainStep st = (*steps_out)[i];
            if (!c.complete) {  // part of it was never asked: give it back as it was
                Statement back(ctx.db, "UPDATE domains SET next_check_at = ?1 WHERE id = ?2 AND next_check_at = ?3");
                back.bind_all(d.original_next_check_at, d.id, claim_until);
                back.exec();
                ctx.counts.add("not_checked_budget", 1);
                continue;
            }
            std::string notified = d.notified;
            bool notify = st.status_changed && st.state.status != d.notified;
            if (notify) notified = st.state.status;
            up.reset();
            up.bind(1, st.state.status);
            up.bind(2, st.state.check_failures);
            if (st.state.failing_since) up.bind(3, *st.state.failing_since); else up.bind(3);
            up.bind(4, ctx.now);
            up.bind(5, claim_until);
            up.bind(6, st.next_check_at);
            if (c.last_error.empty()) up.bind(7); else up.bind(7, c.last_error);
            if (notified.empty()) up.bind(8); else up.bind(8, notified);
            up.bind(9, d.id);
            up.bind(10, d.state.status);
            up.bind(11, d.token);
            if (up.exec() == 0) {  // deleted, or its status or token changed meanwhile: the application's row wins
                ctx.counts.add("changed_meanwhile", 1);
                (*steps_out)[i].status_changed = false;
                continue;
            }
            ctx.counts.add("domains", 1);
            ins.reset();
            ins.bind_all(d.id, ctx.run_id, std::string(dns_result_name(c.result)), st.state.status, records_json(c, s).dump(),
                         c.last_error);
            ins.bind(7, ctx.now);
            ins.exec();
            ctx.counts.add("dns_checks", 1);
            if (notify && queue_notice(ctx.db, status_notice(d, st, c, ctx.now), ctx.now)) ctx.counts.add("notification_outbox", 1);
        }
    });
}

// Claims the batch (one short transaction): only rows still as read; returns those claimed.
std::vector<Domain> claim(JobContext& ctx, PurgeConnection& connection, const std::vector<Domain>& batch, int64_t claim_until) {
    std::vector<Domain> out;
    connection.write(ctx.db, [&] {
        Statement q(ctx.db, "UPDATE domains SET next_check_at = ?1 WHERE id = ?2 AND next_check_at IS NOT DISTINCT FROM ?3");
        for (const auto& d : batch) {
            q.reset();
            q.bind_all(claim_until, d.id, d.next_check_at);
            if (q.exec() == 1) out.push_back(d);
        }
    });
    for (auto& d : out) d.next_check_at = claim_until;
    return out;
}

// Checks `batch` and records the results; *incomplete when the budget left some unchecked.
void check_batch(JobContext& ctx, PurgeConnection& connection, DnsResolver& resolver, const Settings& s, std::vector<Domain> batch, nlohmann::json* report,
                 bool* incomplete) {
    const int64_t claim_until = ctx.now + kClaimTtl;
    if (!ctx.dry_run) batch = claim(ctx, connection, batch, claim_until);
    if (batch.empty()) return;
    std::vector<Checked> checked = check_all(resolver, batch, s, std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx.remaining_ms()));
    std::vector<DomainStep> steps;
    for (size_t i = 0; i < batch.size(); ++i) steps.push_back(next_domain_state(batch[i].state, checked[i].result, ctx.now, s.policy));
    if (!ctx.dry_run) write_results(ctx, connection, batch, checked, s, claim_until, &steps);
    for (size_t i = 0; i < batch.size(); ++i) {
        if (!checked[i].complete) { *incomplete = true; continue; }
        ctx.counts.examined += 1;
        ctx.counts.add(std::string("result_") + dns_result_name(checked[i].result), 1);
        if (steps[i].status_changed) {
            ctx.counts.changed += 1;
            ctx.info(ctx.dry_run ? "would_change_status" : "domain_status_changed",
                     {{"domain", batch[i].name}, {"from", batch[i].state.status}, {"to", steps[i].state.status}});
        }
        if (report) {
            (*report)["domain"] = batch[i].name;
            (*report)["status_before"] = batch[i].state.status;
            (*report)["status"] = steps[i].status_changed || ctx.dry_run ? steps[i].state.status : batch[i].state.status;
            (*report)["result"] = dns_result_name(checked[i].result);
            (*report)["records"] = records_json(checked[i], s);
            (*report)["next_check_at"] = steps[i].next_check_at;
            (*report)["dry_run"] = ctx.dry_run;
        }
    }
}

Outcome check_one(JobContext& ctx, PurgeConnection& connection, DnsResolver& resolver, const Settings& s) {
    // domains.name compares without case by its own type (SQLite NOCASE, PostgreSQL citext).
    Statement q(ctx.db, std::string(kDomainColumns) + "WHERE d.name = ?1 AND NOT " + kUserInactiveSql);
    q.bind(1, normalise_host(*ctx.domain));
    if (!q.step()) {
        // The command line checked that the domain exists: its user is deleted or suspended.
        ctx.counts.add("waiting_user_inactive", 1);
        ctx.result = {{"domain", *ctx.domain}, {"skipped", "the domain's user is deleted or suspended"}, {"records", nlohmann::json::array()}};
        return Outcome::done;
    }
    std::vector<Domain> one{read_domain(q)};
    nlohmann::json report;
    bool incomplete = false;
    check_batch(ctx, connection, resolver, s, one, &report, &incomplete);
    ctx.result = report;
    return Outcome::done;
}

int64_t count_waiting(JobContext& ctx) {
    return ctx.db.scalar(std::string("SELECT count(*) FROM domains d JOIN users u ON u.id = d.user_id WHERE d.next_check_at <= ?1 AND ") +
                             kUserInactiveSql, ctx.now);
}

}  // namespace

Outcome dns_recheck(JobContext& ctx) {
    // Nothing due: done without a resolver, and without asking for the DNS settings (an
    // installation without custom domains need not set mx_hosts).
    std::vector<Domain> batch;
    if (!ctx.domain) {
        batch = due_batch(ctx, -1, 0, ctx.cfg_int("batch_size"));
        if (batch.empty()) {
            ctx.counts.add("waiting_user_inactive", count_waiting(ctx));
            return Outcome::done;
        }
    }
    const Settings s = settings(ctx);
    if (s.records.empty()) return Outcome::done;  // require and optional empty: nothing to check
    std::unique_ptr<DnsResolver> resolver;
    try {
        resolver = std::make_unique<DnsResolver>(s.resolver);
    } catch (const std::runtime_error& e) {
        throw Error(kExitJobFailed, std::string("dns-recheck: ") + e.what());
    }
    // Writes as the purge engine's batches (purge_connection.h): WAL checkpoints on their own
    // thread, so a results commit never copies pages while holding the lock (at 200 domains per
    // transaction the longest was 59 ms), and the writers' gap after each.
    PurgeConnection connection(ctx.db);
    if (ctx.domain) return check_one(ctx, connection, *resolver, s);

    for (;;) {
        const int64_t after_due = batch.back().next_check_at, after_id = batch.back().id;
        const bool last = static_cast<int64_t>(batch.size()) < s.batch;
        bool incomplete = false;
        check_batch(ctx, connection, *resolver, s, batch, nullptr, &incomplete);
        ctx.counts.by_name["queries"] = resolver->queries_done();
        if (incomplete) return Outcome::more;
        if (last) break;
        if (ctx.should_stop()) return Outcome::more;
        batch = due_batch(ctx, after_due, after_id, s.batch);
        if (batch.empty()) break;
    }
    ctx.counts.add("waiting_user_inactive", count_waiting(ctx));
    return Outcome::done;
}

}  // namespace mj
