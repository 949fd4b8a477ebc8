// The CGI API: when a web server runs the binary with GATEWAY_INTERFACE set, mailjobs answers the
// cleanup/status API as JSON instead of parsing a command line (see share/cpanel/README.md).
#pragma once

namespace mj {

// Reads the request from the CGI environment and stdin, writes the response to stdout.
// Returns the process exit code (0 whenever a response was written).
int cgi_main();

}  // namespace mj
