#include "delivery/transport_check.h"

#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "delivery/ca_bundle.h"

namespace mj {
namespace {

using S = CheckResult::Status;

bool executable(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0 &&
           (st.st_mode & 0111) != 0;
}

// The program of a command line split on spaces like sendmail.cpp does, found like execvp.
std::string find_program(const std::string& command, std::string* program) {
    size_t a = command.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    *program = command.substr(a, command.find_first_of(" \t", a) - a);
    if (program->find('/') != std::string::npos) return executable(*program) ? *program : "";
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t colon = std::min(dirs.find(':', start), dirs.size());
        std::string candidate = (colon == start ? std::string(".") : dirs.substr(start, colon - start)) + "/" + *program;
        if (executable(candidate)) return candidate;
        start = colon + 1;
    }
    return "";
}

CheckResult smtp_check(const Config& config, bool deep) {
    const std::string& transport = config.str("mail", "transport");
    const std::string& host = config.str("mail", "smtp_host");
    int64_t port = config.integer("mail", "smtp_port");
    if (port == 0) port = transport == "smtps" ? 465 : 587;
    if (host.empty())
        return {"mail.transport", S::fail, "transport = " + transport + " but [mail] smtp_host is not set",
                "set [mail] smtp_host (or transport = sendmail on cPanel)"};
    const std::string where = host + ":" + std::to_string(port);
    if (!deep) return {"mail.transport", S::ok, transport + " to " + where + " (not contacted; --deep connects)", ""};
    CURL* curl = curl_easy_init();
    if (!curl) return {"mail.transport", S::fail, "libcurl could not start", ""};
    const std::string url = (transport == "smtps" ? "smtps://" : "smtp://") + where;
    const std::string ca = find_ca_bundle(config);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(std::min<int64_t>(10, config.duration("mail", "timeout"))));
    if (!ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
        return {"mail.transport", S::fail, "cannot connect to " + where + ": " + curl_easy_strerror(rc) + missing_system_file_hint(rc, ca),
                "check [mail] smtp_host and smtp_port, and that the host lets you reach that port (cPanel: WHM SMTP Restrictions)"};
    return {"mail.transport", S::ok, transport + " to " + where + ": connected", ""};
}

}  // namespace

CheckResult check_mail_transport(const Config& config, bool deep) {
    const std::string& transport = config.str("mail", "transport");
    if (transport == "sendmail") {
        const std::string& command = config.str("mail", "sendmail_command");
        std::string program;
        std::string found = find_program(command, &program);
        if (found.empty())
            return {"mail.transport", S::fail,
                    "sendmail program '" + program + "' is missing or not executable ([mail] sendmail_command = " + command + ")",
                    "install a sendmail (cPanel has /usr/sbin/sendmail), fix [mail] sendmail_command, or use transport = smtp"};
        return {"mail.transport", S::ok, "sendmail: " + found, ""};
    }
    if (transport == "maildir")  // its folders are created when the first message is written
        return {"mail.transport", S::warn, "maildir: mail is written to " + config.path("mail", "maildir_path") + ", not sent",
                "set [mail] transport = sendmail or smtp before going live"};
    return smtp_check(config, deep);
}

CheckResult check_ca_bundle(const Config& config) {
    const std::string ca = find_ca_bundle(config);
    const bool configured = !config.str("general", "ca_bundle").empty();
    if (ca.empty())
        return {"tls.ca_bundle", S::fail, "no CA bundle found (looked for the AlmaLinux/CentOS and Debian ones)",
                "set [general] ca_bundle to a PEM file of trusted certificates"};
    std::ifstream in(ca);
    if (!in)
        return {"tls.ca_bundle", S::fail, "CA bundle '" + ca + "' cannot be read" + (configured ? " ([general] ca_bundle)" : ""),
                configured ? "fix [general] ca_bundle: a readable PEM file" : "make " + ca + " readable"};
    std::string line;
    bool pem = false;
    for (int i = 0; i < 2000 && std::getline(in, line); ++i)
        if (line.rfind("-----BEGIN CERTIFICATE-----", 0) == 0) { pem = true; break; }
    if (!pem)
        return {"tls.ca_bundle", S::fail, "CA bundle '" + ca + "' holds no PEM certificate",
                "point [general] ca_bundle at a PEM bundle such as /etc/pki/tls/certs/ca-bundle.crt"};
    return {"tls.ca_bundle", S::ok, ca + (configured ? " ([general] ca_bundle)" : " (found)"), ""};
}

}  // namespace mj
