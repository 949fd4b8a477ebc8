// Uploading a file to external storage, verified: "put this file into target T and make sure it is
// all there". Used by audit-log-cleanup's archive (BJ-09); written for the backups too.
//
// The one target kind today is a WebDAV folder (cPanel's Web Disk is WebDAV over HTTPS with basic
// auth; so are Nextcloud, Apache mod_dav, lighttpd mod_webdav). S3 is not offered: the static
// libcurl is built without AWS SigV4 (third_party/build-curl.sh), and Debian has no S3 server the
// tests could use (npm's s3rver is a fake).
//
// upload_file(target, path, name):
//   1. PUT folder/name with the file streamed from disk (delivery/http.h: the one HTTP layer).
//   2. A 409 Conflict or 404 means the folder is missing (RFC 4918 9.7.1): MKCOL it, and its
//      missing parents below the host, then PUT once more.
//   3. The PUT must answer 201 Created or 204 No Content (200 is accepted too: RFC 9110 allows it
//      for a replaced file). Anything else fails with the status and the start of the answer.
//   4. Verify: PROPFIND (Depth: 0) for DAV:getcontentlength; a server that does not do PROPFIND
//      (405, 501) is asked with HEAD for Content-Length. The size must equal the local file's;
//      else the upload failed ("size mismatch").
// A dropped connection, a timeout or TLS trouble fails with libcurl's reason. Every failure is one
// line; nothing here throws. Redirects are never followed (http.h), so a folder URL must be exact.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/config.h"

namespace mj {

struct UploadTarget {
    std::string folder_url;           // WebDAV folder, ends with '/': https://example.com:2078/audit/
    std::string username, password;   // basic auth; empty username = none
    int64_t connect_timeout_ms = 5000;
    int64_t timeout_ms = 300000;      // one request (the PUT of the whole file included)
    std::string ca_file;              // "" = the TLS library's default
};

struct UploadResult {
    bool ok = false;
    std::string error;        // one line when !ok: "PUT https://host/audit/x: HTTP 507: ..."
    std::string remote_url;   // folder_url + the encoded name (no credentials)
    int64_t bytes = 0;        // the local file's size (what the server confirmed when ok)
    int64_t duration_ms = 0;
    long put_status = 0;      // the PUT's final HTTP status (0: no answer)
};

// The target from a config section's keys upload_url, upload_username, upload_password,
// upload_password_file and upload_timeout, with [http] connect_timeout and the CA bundle. nullopt
// when upload_url is empty. Throws Error(kExitUsage) for an unreadable password file.
std::optional<UploadTarget> upload_target_from_config(const Config& config, const std::string& section);

// Uploads `local_path` as `remote_name` (one path segment) into the target folder; verified.
UploadResult upload_file(const UploadTarget& target, const std::string& local_path, const std::string& remote_name);

// --- parts, for the unit test ---
// DAV:getcontentlength of a PROPFIND multistatus answer (any namespace prefix); -1 if none.
int64_t propfind_content_length(const std::string& xml);
// A path segment percent-encoded (RFC 3986 unreserved characters kept).
std::string url_segment(const std::string& name);
// The URL without user info ("https://u:p@h/x" -> "https://h/x"), for messages.
std::string url_without_credentials(const std::string& url);

}  // namespace mj
