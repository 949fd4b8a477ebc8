#include "delivery/mail.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/job_catalogue.h"

namespace {

mj::Config config(std::vector<std::string> sets) {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.cli_sets = std::move(sets);
    o.jobs = mj::job_defaults();
    std::vector<mj::ConfigProblem> problems;
    mj::Config c = mj::Config::load(o, &problems);
    return c;  // "cannot read config file" is the only problem: the defaults and --set apply
}

}  // namespace

TEST_CASE("valid_address: plain mailboxes pass, everything that needs quoting or could inject fails") {
    for (const char* ok : {"user@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "root@localhost",
                           "a_b-c@x-y.example"})
        CHECK(mj::valid_address(ok));
    for (const char* bad : {"", "no-at.example.com", "@example.com", "user@", "two words@example.com", "a@@example.com",
                            "a@b@example.com", "<user@example.com>", "user@example.com\r\nBcc: x@y.z", ".user@example.com",
                            "user.@example.com", "us..er@example.com", "user@-bad.example", "user@bad-.example",
                            "user@exa_mple.com", "-oQ/tmp@example.com", "\"quoted\"@example.com", "user@[127.0.0.1]"})
        CHECK_FALSE(mj::valid_address(bad));
    CHECK_FALSE(mj::valid_address(std::string(65, 'a') + "@example.com"));
}

TEST_CASE("MailTransport::send: size limit and addresses are checked before the transport") {
    auto t = mj::MailTransport::from_config(config({"mail.transport=maildir", "mail.maildir_path=/nonexistent/never/created",
                                                    "mail.max_message_bytes=100"}));
    SECTION("over the limit: permanent, with both sizes") {
        auto r = t->send({"a@example.com", {"b@example.com"}, std::string(101, 'x')});
        CHECK(r.status == mj::SendStatus::permanent);
        CHECK(r.error == "message is 101 bytes, over the limit of 100 bytes ([mail] max_message_bytes)");
    }
    SECTION("malformed recipient or sender, no recipient: permanent") {
        CHECK(t->send({"a@example.com", {"bad"}, "x"}).status == mj::SendStatus::permanent);
        CHECK(t->send({"bad sender", {"b@example.com"}, "x"}).status == mj::SendStatus::permanent);
        CHECK(t->send({"a@example.com", {}, "x"}).error == "no recipient");
    }
    SECTION("a good message reaches the transport (here: an unwritable maildir, transient and down)") {
        auto r = t->send({"", {"b@example.com"}, "Subject: x\n\nhi\n"});
        CHECK(r.status == mj::SendStatus::transient);
        CHECK(r.transport_down);
        CHECK(r.error.find("cannot create /nonexistent/never/created") == 0);
    }
}

TEST_CASE("MailTransport::from_config: smtp without a host is a configuration error") {
    REQUIRE_THROWS_AS(mj::MailTransport::from_config(config({"mail.transport=smtp"})), mj::Error);
    CHECK(std::string(mj::MailTransport::from_config(config({"mail.transport=smtps", "mail.smtp_host=mx.example"}))->name()) == "smtps");
    CHECK(std::string(mj::MailTransport::from_config(config({}))->name()) == "sendmail");
}
