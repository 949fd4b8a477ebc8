// Catch2 (v2) main for all unit tests; each tests/unit/X_test.cpp tests src/.../X.cpp.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
