#include "delivery/mail_message.h"

#include <catch2/catch.hpp>

namespace {

mj::OutgoingMail mail() {
    mj::OutgoingMail m;
    m.from = {"Porter", "porter@mail.example.net"};
    m.to = {"", "user@example.com"};
    m.subject = "Hello";
    m.body = "Body\n";
    m.date = 1795000000;
    m.message_id = "<1@mail.example.net>";
    return m;
}

}  // namespace

TEST_CASE("build_message: headers, date, quoted-printable body") {
    std::string msg = mj::build_message(mail());
    CHECK(msg.rfind("From: \"Porter\" <porter@mail.example.net>\nTo: <user@example.com>\nSubject: Hello\n"
                    "Date: Wed, 18 Nov 2026 11:06:40 +0000\nMessage-ID: <1@mail.example.net>\nMIME-Version: 1.0\n", 0) == 0);
    CHECK(msg.find("Auto-Submitted: auto-generated\n") != std::string::npos);
    CHECK(msg.find("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nBody\n") != std::string::npos);
}

TEST_CASE("build_message: no header injection; non-ASCII encoded") {
    auto m = mail();
    m.subject = "Hi\r\nBcc: victim@example.com";
    m.from.name = "Pört \"er\"";
    std::string msg = mj::build_message(m);
    CHECK(msg.find("\nBcc:") == std::string::npos);
    CHECK(msg.find("Subject: Hi  Bcc: victim@example.com\n") != std::string::npos);
    CHECK(msg.find("From: =?UTF-8?B?UMO2cnQgImVyIg==?= <porter@mail.example.net>") != std::string::npos);
    m.from.name = "Back\\slash \"q\"";
    CHECK(mj::build_message(m).find("From: \"Back\\\\slash \\\"q\\\"\" <porter@mail.example.net>") != std::string::npos);
}

// Found by tests/fuzz/mail: more than 45 UTF-8 continuation bytes in a row (not UTF-8; a failed
// forward's Subject comes from outside) made the encoder back off past 0 and loop forever.
TEST_CASE("build_message: a header of stray UTF-8 continuation bytes is encoded, not a hang") {
    auto m = mail();
    m.subject = std::string(100, '\x84');
    m.from.name = std::string(60, '\xBF');
    std::string msg = mj::build_message(m);
    std::string subject = msg.substr(msg.find("Subject: "), msg.find("\nDate:") - msg.find("Subject: "));
    size_t words = 0;
    for (size_t p = 0; (p = subject.find("=?UTF-8?B?", p)) != std::string::npos; ++p) ++words;
    CHECK(words == 3);  // 45 + 45 + 10 bytes
    CHECK(msg.find("From: =?UTF-8?B?") != std::string::npos);
}

TEST_CASE("build_message: quoted-printable keeps long lines, '=', trailing space, leading dot and UTF-8 safe") {
    auto m = mail();
    m.body = std::string(100, 'a') + "\nx = y \n.\nü\n";
    std::string msg = mj::build_message(m);
    std::string body = msg.substr(msg.find("\n\n") + 2);
    CHECK(body == std::string(75, 'a') + "=\n" + std::string(25, 'a') + "\nx =3D y=20\n=2E\n=C3=BC\n");
    for (size_t pos = 0, eol; (eol = msg.find('\n', pos)) != std::string::npos; pos = eol + 1) CHECK(eol - pos <= 76);
}

TEST_CASE("build_message: an HTML alternative makes multipart/alternative") {
    auto m = mail();
    m.body_html = "<p>Body</p>";
    std::string msg = mj::build_message(m);
    CHECK(msg.find("Content-Type: multipart/alternative; boundary=\"=_mailjobs_") != std::string::npos);
    CHECK(msg.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
}

TEST_CASE("header_value: first match, case-insensitive, unfolded, header block only") {
    std::string raw = "Received: x\r\nsubject: Quarterly\r\n  report\r\nFrom: A <a@example.com>\r\n\r\nSubject: not a header\r\n";
    CHECK(mj::header_value(raw, "Subject") == "Quarterly report");
    CHECK(mj::header_value(raw, "FROM") == "A <a@example.com>");
    CHECK(mj::header_value(raw, "To").empty());
    CHECK(mj::header_value("Subject: x\n \nTo: y\n", "Subject") == "x");
}
