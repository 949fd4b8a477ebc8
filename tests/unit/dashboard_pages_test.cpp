#include "api/dashboard_pages.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/job_catalogue.h"

namespace {

mj::Config default_config() {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.jobs = mj::job_defaults();
    std::vector<mj::ConfigProblem> problems;
    return mj::Config::load(o, &problems);
}

// No markup of the hostile values got through: every '<' on the page starts one of the tags the
// page code writes itself.
void check_no_foreign_markup(const std::string& page) {
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<b>t") == std::string::npos);
    CHECK(page.find("<i>") == std::string::npos);
    CHECK(page.find("\x1b") == std::string::npos);
}

}  // namespace

TEST_CASE("dashboard pages: hostile job names, errors, counters, domains and alerts are shown as text", "[dashboard]") {
    char tmpl[] = "/tmp/mj-dash-pages-test.XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto db = mj::Db::open(dir + "/t.db", 1000);
        const int64_t now = 1700000000;
        db->exec("INSERT INTO users(id, email, created_at) VALUES (1, 'u@example.com', 1)");
        db->exec("INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason, error, counts, duration_ms) VALUES "
                 "('<script>alert(1)</script>', 'manual', 1700000000, 1700000000, 'failed', 'error', '<img src=x onerror=alert(2)>', "
                 "'{\"<b>t</b>\": 3}', 12), "
                 "('webhook-retry', 'cron', 1700000000, 1700000000, 'failed', 'error', 'esc ' || char(27) || '[2J', '{}', 5)");
        db->exec("INSERT INTO job_state(job, last_run_id, last_outcome, consecutive_failures) VALUES ('webhook-retry', 2, 'failed', 3)");
        db->exec("INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, created_at) "
                 "VALUES (2, 'webhook-retry', 'delivery_log', 1, 1, 500, '<script>alert(4)</script>', 30, 1700000000)");
        db->exec("INSERT INTO operator_alerts(job, kind, run_id, consecutive_failures, channel, status, error, created_at) "
                 "VALUES ('<script>x</script>', 'failing', 1, 3, 'email', 'sent', NULL, 1700000000)");
        db->exec("INSERT INTO domains(user_id, name, verification_token) VALUES (1, '<i>evil</i>.example', 't')");
        db->exec("INSERT INTO dns_checks(domain_id, result, detail, checked_at) VALUES (1, 'fail', '<script>alert(5)</script>', 1700000000)");
        const mj::Config config = default_config();
        mj::DashboardView v{config, *db, now, "/cgi-bin/m.cgi", std::string(64, 'a'), false};

        const std::string overview = mj::overview_html(v);
        check_no_foreign_markup(overview);
        CHECK(overview.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
        CHECK(overview.find("3 failures in a row") != std::string::npos);
        CHECK(overview.find("No tick recorded yet") != std::string::npos);
        CHECK(overview.find("href=\"/cgi-bin/m.cgi/jobs/webhook-retry\"") != std::string::npos);

        const std::string runs = mj::runs_html(v);
        check_no_foreign_markup(runs);
        CHECK(runs.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
        CHECK(runs.find("&lt;b&gt;t&lt;/b&gt; 3") != std::string::npos);
        CHECK(runs.find("esc \\x1b[2J") != std::string::npos);

        const std::string job = mj::job_html(v, "webhook-retry", "");
        check_no_foreign_markup(job);
        CHECK(job.find("&lt;script&gt;alert(4)&lt;/script&gt;") != std::string::npos);
        CHECK(job.find("name=\"csrf\" value=\"" + std::string(64, 'a') + "\"") != std::string::npos);

        const std::string accounts = mj::accounts_html(v);
        check_no_foreign_markup(accounts);
        CHECK(accounts.find("&lt;i&gt;evil&lt;/i&gt;.example") != std::string::npos);

        check_no_foreign_markup(mj::charts_html(v));
        check_no_foreign_markup(mj::sign_in_html("/cgi-bin/m.cgi\"><script>", "<script>"));

        // read_only: the buttons are drawn disabled
        mj::DashboardView ro{config, *db, now, "/cgi-bin/m.cgi", "", true};
        CHECK(mj::job_html(ro, "vacuum", "").find("<button type=\"submit\" disabled>Make due now</button>") != std::string::npos);
    }
    std::system(("rm -rf " + dir).c_str());
}
