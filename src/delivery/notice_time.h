// Times in a notice that only its sending makes true (issue 12.3).
//
// An overflow-hold warning says when the held message will be deleted. The purge waits until
// warn_before after the warning was SENT, so that date is known only at send time: the text is
// queued with a token, and the sender renders it just before composing the mail (a digest keeps
// the tokens of the notices folded into it and renders them when it is sent):
//   send_time_token(86400, T) -> "{{mailjobs:sent+86400>=T}}"
//   render_send_times(text, sent) replaces each token by the UTC time max(sent + 86400, T),
//   to the minute, as "Tuesday 17 November 2026, 11:06 UTC" (the notice says "after" it).
// A text without tokens is returned unchanged; a malformed token is left as it is.
#pragma once
#include <cstdint>
#include <string>

namespace mj {

std::string send_time_token(int64_t after_send, int64_t not_before);
std::string render_send_times(const std::string& text, int64_t sent_at);
// The human time format of notices ("%A %d %B %Y, %H:%M UTC").
std::string notice_time(int64_t t);

}  // namespace mj
