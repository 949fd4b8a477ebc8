// Catch2 (v2) main for all unit tests; each tests/unit/X_test.cpp tests src/.../X.cpp. Like
// src/main.cpp it first registers what core/ calls back into (jobs/bootstrap.h): the job
// catalogue that tests of config, status and the cleanup API look jobs up in.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "jobs/bootstrap.h"

int main(int argc, char** argv) {
    mj::bootstrap();
    return Catch::Session().run(argc, argv);
}
