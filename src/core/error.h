// The one error type that reaches main(): a one-line message and the exit code it maps to.
// main() prints it once as "mailjobs: error: <message>" and exits with `code`.
#pragma once
#include <stdexcept>
#include <string>

#include "core/exit_codes.h"

namespace mj {

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message) : std::runtime_error(message), code(code) {}
    ExitCode code;
};

}  // namespace mj
