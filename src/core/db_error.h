// How a database operation failed, in the kinds callers react to differently (ccache's remote
// storage Failure): a busy database (another connection holds the lock: retry later, the CGI answers
// 503), a statement stopped by the write transaction's time bound (Db::write turns it into
// TransactionTooLong), or anything else (a constraint, a broken file, bad SQL).
#pragma once
#include <stdexcept>
#include <string>

namespace mj {

enum class DbFailure { other, busy, interrupted };

// Thrown by every operation of the database layer (Db, Statement). what() is the backend's own
// message, unchanged (for SQLite: sqlite3_errmsg), so logs and history read as they always did.
class DbError : public std::runtime_error {
public:
    DbError(DbFailure failure, int code, const std::string& message)
        : std::runtime_error(message), failure(failure), code(code) {}
    DbFailure failure;
    int code;  // the backend's own error code (SQLite: the extended result code), for the debug log
};

}  // namespace mj
