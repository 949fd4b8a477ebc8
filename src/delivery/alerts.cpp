#include "delivery/alerts.h"

#include <nlohmann/json.hpp>

#include "core/lease.h"
#include "core/log.h"
#include "delivery/http.h"
#include "delivery/mail.h"
#include "delivery/mail_message.h"
#include "delivery/mail_persona.h"
#include "delivery/webhook_sign.h"

namespace mj {
namespace {

struct Alert {
    std::string job, kind;  // kind: failing | recovered
    int64_t run_id = 0, failures = 0, at = 0;
    std::string error;
    std::string subject;  // send_job_alert: its own subject; error is then the whole text
};

struct ChannelResult {
    std::string channel;  // email | webhook
    std::string error;    // "" = sent
};

std::string subject_of(const Alert& a) {
    if (!a.subject.empty()) return "[mailjobs] " + a.job + ": " + a.subject;
    if (a.kind == "failing")
        return "[mailjobs] " + a.job + " failing: " + std::to_string(a.failures) + " runs in a row on " + Lease::host();
    return "[mailjobs] " + a.job + " recovered on " + Lease::host();
}

std::string text_of(const Alert& a) {
    if (!a.subject.empty()) return a.error + "\n";
    std::string t = subject_of(a).substr(11) + ".\n";
    if (a.kind == "failing") {
        t += "Last run: " + std::to_string(a.run_id) + " at " + iso_time(a.at) + ".\nError: " + a.error + "\n";
        t += "Inspect: mailjobs history " + a.job + "; mailjobs status. No further alert until it recovers.\n";
    } else {
        t += "Run " + std::to_string(a.run_id) + " succeeded at " + iso_time(a.at) + ".\n";
    }
    return t;
}

ChannelResult send_email(const Config& config, const Alert& a) {
    ChannelResult r{"email", ""};
    try {
        OutgoingMail m;
        m.from = persona_sender(config, "operator", "");
        m.to = {"", config.str("alerts", "email")};
        m.subject = subject_of(a);
        m.body = text_of(a);
        m.date = a.at;
        m.extra_headers = {{"X-Mailjobs-Alert", a.kind}};
        if (m.from.address.empty()) return {"email", "no sender address: set [mail] from_address"};
        MailMessage msg{m.from.address, {m.to.address}, build_message(m), true};
        auto transport = MailTransport::from_config(config);
        SendResult s = transport->send(msg);
        transport->close();
        if (s.status != SendStatus::ok) r.error = s.error.empty() ? "not sent" : s.error;
    } catch (const std::exception& e) {  // a transport that cannot be built (bad [mail] settings)
        r.error = e.what();
    }
    return r;
}

ChannelResult send_webhook(const Config& config, const Alert& a) {
    nlohmann::json body = {{"event", "job_" + a.kind}, {"job", a.job}, {"host", Lease::host()}, {"run_id", a.run_id},
                           {"consecutive_failures", a.failures}, {"at", a.at}, {"text", subject_of(a)}};
    if (a.kind == "failing") body["error"] = a.error;
    HttpRequest req = http_request_from_config(config);
    req.url = config.str("alerts", "webhook_url");
    req.body = body.dump();
    req.timeout_ms = config.duration("alerts", "timeout") * 1000;
    req.connect_timeout_ms = std::min(req.connect_timeout_ms, req.timeout_ms);
    req.headers = webhook_headers(config.str("alerts", "webhook_secret"), wall_now(), req.body, "", 0);
    HttpResponse res = http_send(req);
    return {"webhook", res.status == SendStatus::ok ? "" : res.error};
}

// ok -> alerted or alerted -> ok, only if the state is still `from`: true if this process made it.
bool transition(Db& db, const std::string& job, const char* from, const char* to) {
    bool mine = false;
    db.write([&] {
        Statement q(db, "UPDATE job_state SET alert_state = ? WHERE job = ? AND alert_state = ?");
        q.bind(1, to);
        q.bind(2, job);
        q.bind(3, from);
        mine = q.exec() == 1;
    });
    return mine;
}

void record(Db& db, const Alert& a, const std::vector<ChannelResult>& results, bool revert) {
    db.write([&] {
        Statement q(db,
                    "INSERT INTO operator_alerts(job, kind, run_id, consecutive_failures, channel, status, error, created_at) "
                    "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& r : results) {
            q.bind(1, a.job);
            q.bind(2, a.kind);
            q.bind(3, a.run_id);
            q.bind(4, a.failures);
            q.bind(5, r.channel);
            q.bind(6, r.error.empty() ? "sent" : "failed");
            if (r.error.empty()) q.bind(7); else q.bind(7, r.error);
            q.bind(8, a.at);
            q.exec();
            q.reset();
        }
        if (revert) {
            Statement back(db, "UPDATE job_state SET alert_state = ? WHERE job = ?");
            back.bind(1, a.kind == "failing" ? "ok" : "alerted");
            back.bind(2, a.job);
            back.exec();
        }
    });
}

}  // namespace

void check_alerts(Db& db, const Config& config, const std::string& job, int64_t run_id, bool failed, const std::string& error) {
    try {
        int64_t threshold = config.integer("alerts", "failure_threshold");
        bool by_email = !config.str("alerts", "email").empty(), by_webhook = !config.str("alerts", "webhook_url").empty();
        if (threshold == 0 || (!by_email && !by_webhook)) return;
        Statement st(db, "SELECT consecutive_failures, alert_state FROM job_state WHERE job = ?");
        st.bind(1, job);
        if (!st.step()) return;
        Alert a{job, "", run_id, st.column(0).as_int64(), wall_now(), error, ""};
        std::string state = st.column(1).as_text();
        st.reset();
        if (failed && a.failures >= threshold && state == "ok" && transition(db, job, "ok", "alerted")) a.kind = "failing";
        else if (!failed && a.failures == 0 && state == "alerted" && transition(db, job, "alerted", "ok")) a.kind = "recovered";
        else return;

        std::vector<ChannelResult> results;
        if (by_email) results.push_back(send_email(config, a));
        if (by_webhook) results.push_back(send_webhook(config, a));
        bool any_sent = false;
        for (const auto& r : results) {
            any_sent |= r.error.empty();
            nlohmann::json f = {{"kind", a.kind}, {"channel", r.channel}, {"consecutive_failures", a.failures}};
            if (r.error.empty()) {
                logger().log(Level::info, "alert_sent", f, job, run_id);
            } else {
                f["error"] = r.error;
                logger().log(Level::warn, "alert_failed", f, job, run_id);
            }
        }
        record(db, a, results, !any_sent);
    } catch (const std::exception& e) {
        logger().log(Level::warn, "alert_failed", {{"error", e.what()}}, job, run_id);
    }
}

bool send_job_alert(Db& db, const Config& config, const std::string& job, int64_t run_id,
                    const std::string& subject, const std::string& text) {
    try {
        bool by_email = !config.str("alerts", "email").empty(), by_webhook = !config.str("alerts", "webhook_url").empty();
        if (!by_email && !by_webhook) return false;
        Alert a{job, "failing", run_id, 0, wall_now(), text, subject};
        std::vector<ChannelResult> results;
        if (by_email) results.push_back(send_email(config, a));
        if (by_webhook) results.push_back(send_webhook(config, a));
        bool any_sent = false;
        for (const auto& r : results) {
            any_sent |= r.error.empty();
            nlohmann::json f = {{"kind", "job_alert"}, {"channel", r.channel}, {"subject", subject}};
            if (!r.error.empty()) f["error"] = r.error;
            logger().log(r.error.empty() ? Level::info : Level::warn, r.error.empty() ? "alert_sent" : "alert_failed", f, job, run_id);
        }
        record(db, a, results, false);
        return any_sent;
    } catch (const std::exception& e) {  // never fails the job
        logger().log(Level::warn, "alert_failed", {{"error", e.what()}}, job, run_id);
        return false;
    }
}

}  // namespace mj
