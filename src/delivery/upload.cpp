// The verified upload of delivery/upload.h, on the one HTTP layer (delivery/http.h).
#include "delivery/upload.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "delivery/ca_bundle.h"
#include "delivery/http.h"
#include "delivery/mail_transports.h"  // one_line

namespace mj {
namespace {

HttpRequest request_for(const UploadTarget& t, const std::string& method, const std::string& url) {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.username = t.username;
    r.password = t.password;
    r.connect_timeout_ms = t.connect_timeout_ms;
    r.timeout_ms = t.timeout_ms;
    r.ca_file = t.ca_file;
    r.allow_private_addresses = true;  // the operator's own storage, not a user's URL
    return r;
}

std::string failure(const std::string& method, const std::string& url, const HttpResponse& res) {
    std::string why = res.error.empty() ? "HTTP " + std::to_string(res.code) : res.error;
    return method + " " + url_without_credentials(url) + ": " + why;
}

// The folder URL one level up ("https://h/a/b/" -> "https://h/a/"), "" at the host's root.
std::string parent_folder(const std::string& folder) {
    size_t host_start = folder.find("://");
    host_start = host_start == std::string::npos ? 0 : host_start + 3;
    size_t root = folder.find('/', host_start);
    if (root == std::string::npos || root + 1 >= folder.size()) return "";
    size_t cut = folder.rfind('/', folder.size() - 2);
    if (cut == std::string::npos || cut < root) return "";
    return folder.substr(0, cut + 1);
}

// MKCOL `folder`, first its parents if the server says one is missing (409). 201 = created;
// 405 = it exists already (RFC 4918 9.3.1). Returns "" or the one-line reason.
std::string make_folder(const UploadTarget& t, const std::string& folder, int depth = 0) {
    HttpResponse res = http_send(request_for(t, "MKCOL", folder));
    if (res.code == 201 || res.code == 405) return "";
    if (res.code == 409 && depth < 16) {
        std::string parent = parent_folder(folder);
        if (!parent.empty()) {
            if (std::string e = make_folder(t, parent, depth + 1); !e.empty()) return e;
            res = http_send(request_for(t, "MKCOL", folder));
            if (res.code == 201 || res.code == 405) return "";
        }
    }
    return failure("MKCOL", folder, res);
}

// The size the server reports for `url`: PROPFIND, else HEAD. -1 and *error when it cannot say.
int64_t remote_size(const UploadTarget& t, const std::string& url, std::string* error) {
    HttpRequest p = request_for(t, "PROPFIND", url);
    p.headers = {"Depth: 0", "Content-Type: application/xml; charset=utf-8"};
    p.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getcontentlength/></D:prop></D:propfind>";
    p.keep_body = 65536;
    HttpResponse res = http_send(p);
    if (res.code == 207) {
        int64_t n = propfind_content_length(res.body);
        if (n >= 0) return n;
        *error = "PROPFIND " + url_without_credentials(url) + ": no getcontentlength in the answer";
        return -1;
    }
    if (res.code != 405 && res.code != 501) {
        *error = failure("PROPFIND", url, res);
        return -1;
    }
    HttpResponse head = http_send(request_for(t, "HEAD", url));
    if (head.code == 200 && head.content_length >= 0) return head.content_length;
    *error = head.code == 200 ? "HEAD " + url_without_credentials(url) + ": no Content-Length" : failure("HEAD", url, head);
    return -1;
}

}  // namespace

std::string url_without_credentials(const std::string& url) {
    size_t start = url.find("://");
    if (start == std::string::npos) return url;
    start += 3;
    size_t end = url.find_first_of("/?#", start);
    size_t at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) return url;
    return url.substr(0, start) + url.substr(at + 1);
}

std::string url_segment(const std::string& name) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

int64_t propfind_content_length(const std::string& xml) {
    // <D:getcontentlength>123</D:getcontentlength>, <lp1:getcontentlength>, <getcontentlength
    // xmlns="DAV:">: find the element's name, skip to the end of its start tag, read digits.
    for (size_t pos = 0; (pos = xml.find("getcontentlength", pos)) != std::string::npos; pos += 16) {
        if (pos == 0 || (xml[pos - 1] != '<' && xml[pos - 1] != ':')) continue;
        size_t open = xml.rfind('<', pos);
        if (open == std::string::npos || xml.compare(open, 2, "</") == 0) continue;
        size_t close = xml.find('>', pos);
        if (close == std::string::npos || xml[close - 1] == '/') continue;  // <getcontentlength/>: empty
        size_t i = close + 1;
        while (i < xml.size() && std::isspace(static_cast<unsigned char>(xml[i]))) ++i;
        size_t digits = i;
        int64_t n = 0;
        while (i < xml.size() && std::isdigit(static_cast<unsigned char>(xml[i])) && i - digits < 18) n = n * 10 + (xml[i++] - '0');
        if (i > digits) return n;
    }
    return -1;
}

std::optional<UploadTarget> upload_target_from_config(const Config& c, const std::string& section) {
    UploadTarget t;
    t.folder_url = c.str(section, "upload_url");
    if (t.folder_url.empty()) return std::nullopt;
    if (t.folder_url.back() != '/') t.folder_url += '/';  // a folder: PUT name goes below it
    t.username = c.str(section, "upload_username");
    t.password = c.str(section, "upload_password");
    std::string pw_file = c.path(section, "upload_password_file");
    if (!pw_file.empty()) {
        std::ifstream in(pw_file);
        if (!in) throw Error(kExitUsage, "[" + section + "] upload_password_file: cannot read " + pw_file);
        std::getline(in, t.password);
        while (!t.password.empty() && (t.password.back() == '\r' || t.password.back() == ' ')) t.password.pop_back();
    }
    t.connect_timeout_ms = c.duration("http", "connect_timeout") * 1000;
    t.timeout_ms = c.duration(section, "upload_timeout") * 1000;
    t.ca_file = find_ca_bundle(c);
    return t;
}

UploadResult upload_file(const UploadTarget& t, const std::string& local_path, const std::string& remote_name) {
    UploadResult r;
    r.remote_url = url_without_credentials(t.folder_url) + url_segment(remote_name);
    const std::string url = t.folder_url + url_segment(remote_name);
    struct stat st {};
    if (::stat(local_path.c_str(), &st) != 0) {
        r.error = "cannot upload " + one_line(local_path, 200) + ": " + std::strerror(errno);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r.error = "cannot upload " + one_line(local_path, 200) + ": not a regular file";
        return r;
    }
    r.bytes = static_cast<int64_t>(st.st_size);
    HttpRequest put = request_for(t, "PUT", url);
    put.upload_file = local_path;
    put.headers = {"Content-Type: application/octet-stream"};
    HttpResponse res = http_send(put);
    r.duration_ms = res.duration_ms;
    if (res.code == 409 || res.code == 404) {  // the folder (or a parent) is missing
        if (std::string e = make_folder(t, t.folder_url); !e.empty()) {
            r.error = e;
            return r;
        }
        res = http_send(put);
        r.duration_ms += res.duration_ms;
    }
    r.put_status = res.code;
    if (res.code != 201 && res.code != 204 && res.code != 200) {
        r.error = failure("PUT", url, res);
        return r;
    }
    std::string why;
    int64_t remote = remote_size(t, url, &why);
    if (remote < 0) {
        r.error = "upload not verified: " + why;
        return r;
    }
    if (remote != r.bytes) {
        r.error = "upload not verified: size mismatch for " + r.remote_url + ": server has " + std::to_string(remote) +
                  " bytes, the local file " + std::to_string(r.bytes);
        return r;
    }
    r.ok = true;
    return r;
}

}  // namespace mj
