// Tests for src/delivery/notice_time.{h,cpp}: send-time tokens in notices (issue 12.3).
#include "delivery/notice_time.h"

#include <catch2/catch.hpp>

TEST_CASE("send-time tokens render the later of send time + delay and the floor", "[notice_time]") {
    const int64_t sent = 1795000000;  // Wednesday 18 November 2026, 11:06:40 UTC
    const std::string tok = mj::send_time_token(86400, 0);
    CHECK(tok == "{{mailjobs:sent+86400>=0}}");
    CHECK(mj::render_send_times("deleted after " + tok + ".", sent) == "deleted after Thursday 19 November 2026, 11:06 UTC.");
    // The floor wins when it is later (held_at + 30 d still ahead).
    CHECK(mj::render_send_times(mj::send_time_token(86400, sent + 3 * 86400), sent) == "Saturday 21 November 2026, 11:06 UTC");
    // Several tokens, text around them unchanged; the same text sent later promises a later date.
    const std::string text = "on " + tok + ": x; after " + tok;
    CHECK(mj::render_send_times(text, sent + 86400) ==
          "on Friday 20 November 2026, 11:06 UTC: x; after Friday 20 November 2026, 11:06 UTC");
    CHECK(mj::render_send_times("no tokens {{here}}", sent) == "no tokens {{here}}");
    CHECK(mj::render_send_times("{{mailjobs:sent+x>=1}} and {{mailjobs:sent+", sent) == "{{mailjobs:sent+x>=1}} and {{mailjobs:sent+");
}
