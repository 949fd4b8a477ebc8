#include "api/api_token.h"

#include <fstream>

#include "api/cgi_io.h"
#include "core/log.h"

namespace mj {

std::string configured_token(const Config& config) {
    std::string token = config.str("api", "token");
    std::string file = config.path("api", "token_file");
    if (!file.empty()) {
        // The token is the first non-blank line, without the spaces, tabs, CR or blank lines an
        // editor or `echo` put around it (a token never contains whitespace): otherwise the right
        // token would be rejected for a stray leading space or a leading empty line.
        std::ifstream in(file);
        std::string line;
        token.clear();
        while (in && token.empty() && std::getline(in, line)) {
            const auto first = line.find_first_not_of(" \t\r\f\v");
            if (first == std::string::npos) continue;
            token = line.substr(first, line.find_last_not_of(" \t\r\f\v") - first + 1);
        }
        if (!in.is_open() || (token.empty() && !in.eof()) || token.empty()) {
            logger().log(Level::error, "api_token_file",
                         {{"error", (in.is_open() && in.eof() ? "no token in [api] token_file " : "cannot read [api] token_file ") + file}});
            throw HttpError(500, "cannot read [api] token_file (see the mailjobs log)");
        }
    }
    if (token.empty()) throw HttpError(403, "the API is off: set [api] token_file (or token) in jobs.ini");
    if (token.size() < 16) throw HttpError(403, "the API is off: [api] token must be at least 16 characters");
    return token;
}

}  // namespace mj
