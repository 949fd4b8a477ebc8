#include "delivery/ca_bundle.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include "core/job_catalogue.h"

TEST_CASE("find_ca_bundle: the configured path wins; otherwise the first existing candidate") {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.jobs = mj::job_defaults();
    std::vector<mj::ConfigProblem> problems;
    auto auto_detected = mj::find_ca_bundle(mj::Config::load(o, &problems));
    std::string expected;
    for (const auto& p : mj::ca_bundle_candidates())
        if (access(p.c_str(), R_OK) == 0) { expected = p; break; }
    CHECK(auto_detected == expected);
    CHECK(mj::ca_bundle_candidates().front() == "/etc/pki/tls/certs/ca-bundle.crt");  // cPanel's layout first
    o.cli_sets = {"general.ca_bundle=/etc/my/ca.pem"};
    CHECK(mj::find_ca_bundle(mj::Config::load(o, &problems)) == "/etc/my/ca.pem");  // even if missing: TLS says so
}
