#include "core/job_catalogue.h"

#include <catch2/catch.hpp>

#include <string>

// The unit tests' main calls bootstrap() (jobs/bootstrap.h), as src/main.cpp does.
TEST_CASE("job catalogue: bootstrap fills it; lookups by name") {
    REQUIRE(!mj::job_registry().empty());
    const mj::JobDef* v = mj::find_job("vacuum");
    REQUIRE(v != nullptr);
    CHECK(std::string(v->name) == "vacuum");
    CHECK(mj::find_job("no-such-job") == nullptr);
    CHECK(mj::job_defaults().size() == mj::job_registry().size());
}
