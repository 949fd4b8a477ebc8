// Placeholder until the cleanup API lands (issue 4): answers 503 so a web server shows a clear error.
#include "api/cgi.h"

#include <cstdio>

namespace mj {

int cgi_main() {
    std::printf("Status: 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n{\"error\":\"API not available\"}\n");
    return 0;
}

}  // namespace mj
