// GET /exports/<token> (BJ-17): the download link of a ready account export, answered by the same
// binary the web server runs as CGI. No bearer token: the link's token is the credential.
//
//   200  the archive, streamed from [export] dir (Content-Type application/zip, Content-Length,
//        Content-Disposition: attachment); a GET counts one download, a HEAD none
//   404  no export has this token (or it is not a token at all)
//   410  the export expired, was deleted, or its link reached [export] max_downloads
//   405  another method (Allow: GET, HEAD, OPTIONS); 503 database busy or missing
// The token is looked up by its SHA-256 (exports.token_hash, unique index) and the stored hash is
// compared again in constant time. It is never logged: the request log says "/exports/…". The web
// server's own access log does hold the link (share/cpanel/README.md says so) until it expires.
// Answers are text/plain for a person with a browser, not JSON.
#pragma once
#include <string>

#include "api/cgi_io.h"
#include "core/config.h"

namespace mj {

// Whether `path` (without the /api prefix) is a download link.
bool is_export_download(const std::string& path);

// Serves the request; returns the status sent. `error` gets a server-side failure's reason.
int serve_export_download(const CgiRequest& req, const Config& config, std::string& error);

}  // namespace mj
