#include <catch2/catch.hpp>

#include "cli/progress.h"

using mj::progress_line;

TEST_CASE("progress line: rows of the estimate, rate, ETA, batch", "[progress]") {
    CHECK(progress_line("delivery-log-cleanup", 12000, 100000, 3.0, 11400) ==
          "delivery-log-cleanup  12,000 of 100,000 rows (12%)  4,000 rows/s  ETA 22s  batch 11 ms");
    // Minutes and hours in the ETA.
    CHECK(progress_line("j", 1000, 1000000, 10.0, 0) == "j  1,000 of 1,000,000 rows (0%)  100 rows/s  ETA 2h46m");
    CHECK(progress_line("j", 600, 6600, 6.0, 0) == "j  600 of 6,600 rows (9%)  100 rows/s  ETA 1m00s");
    // Done: 100%, no ETA; past the estimate stays at 100%.
    CHECK(progress_line("j", 5000, 5000, 1.0, 2000) == "j  5,000 of 5,000 rows (100%)  5,000 rows/s  batch 2 ms");
    CHECK(progress_line("j", 5100, 5000, 1.0, 0) == "j  5,100 of 5,000 rows (100%)  5,100 rows/s");
    // Unknown estimate (queue jobs): rows and rate only.
    CHECK(progress_line("forward-retry", 42, 0, 2.0, 900) == "forward-retry  42 rows  21 rows/s  batch 1 ms");
    // At the very start there is no rate yet.
    CHECK(progress_line("j", 0, 10, 0.0, 0) == "j  0 of 10 rows (0%)");
}
