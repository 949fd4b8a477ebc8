#include "delivery/mail_persona.h"

#include <catch2/catch.hpp>

#include "core/job_catalogue.h"

namespace {

mj::Config config(std::vector<std::string> sets) {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.cli_sets = std::move(sets);
    o.jobs = mj::job_defaults();
    std::vector<mj::ConfigProblem> problems;
    return mj::Config::load(o, &problems);
}

}  // namespace

TEST_CASE("persona_sender: porter, listed personas, unlisted ones, from_name override") {
    auto c = config({"mail.from_address=noreply@example.net",
                     "mail.personas=overflow_hold=Hold Desk <hold@example.net>, billing = Accounts"});
    auto porter = mj::persona_sender(c, "porter", "");
    CHECK(porter.name == "Porter");
    CHECK(porter.address == "noreply@example.net");
    auto hold = mj::persona_sender(c, "overflow-hold", "");  // "-" and "_" alike
    CHECK(hold.name == "Hold Desk");
    CHECK(hold.address == "hold@example.net");
    CHECK(mj::persona_sender(c, "billing", "").name == "Accounts");
    CHECK(mj::persona_sender(c, "billing", "").address == "noreply@example.net");
    auto unknown = mj::persona_sender(c, "dns_watch", "");
    CHECK(unknown.name == "Dns Watch");  // never Porter's name
    CHECK(mj::persona_sender(c, "overflow_hold", "Mail Guard").name == "Mail Guard");
    CHECK(mj::persona_sender(config({"mail.porter_name=Pat", "mail.porter_address=pat@example.net"}), "", "").address == "pat@example.net");
    CHECK(mj::persona_sender(config({}), "porter", "").address.empty());
}
