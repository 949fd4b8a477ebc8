// A prepared statement with positional parameters (1-based, as in the SQL: ?1, ?2 or ?), and the
// columns of its current row (0-based). The shape is that of the SQLite C++ wrapper the code was
// written against (Statement, bind, getColumn), so it reads the same on any backend:
//
//   Statement q(db, "SELECT id, note FROM t WHERE created_at < ?1 LIMIT ?2");
//   q.bind(1, cutoff);
//   q.bind(2, batch);
//   while (q.step()) use(q.column(0).as_int64(), q.column(1).is_null() ? "" : q.column(1).as_text());
//   q.reset();  // run it again with new bindings: prepared once, bound many times
//
// Costs: preparing allocates once per statement; binding, stepping and reading an integer column
// allocate nothing; as_text() returns a std::string (one allocation for long texts). Every failure
// is a DbError (db_error.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/db_error.h"

namespace mj {

class Db;

enum class ColumnType { integer, real, text, blob, null };

// What a backend implements for one prepared statement (core/sqlite_db.cpp for SQLite).
class StatementBackend {
public:
    virtual ~StatementBackend() = default;
    virtual void bind_int64(int pos, int64_t value) = 0;
    virtual void bind_double(int pos, double value) = 0;
    // Texts are copied: they need not outlive the call.
    virtual void bind_text(int pos, const std::string& text) = 0;
    virtual void bind_text(int pos, const char* text) = 0;  // NUL-terminated
    virtual void bind_null(int pos) = 0;
    virtual bool step() = 0;
    virtual int exec() = 0;
    virtual void reset() = 0;
    virtual ColumnType type_at(int i) = 0;
    virtual int64_t int64_at(int i) = 0;
    virtual double double_at(int i) = 0;
    virtual std::string text_at(int i) = 0;
};

// One column of the current row; valid until the next step() or reset().
class Column {
public:
    Column(StatementBackend& statement, int index) : statement_(&statement), index_(index) {}
    // A NULL reads as 0, 0.0 or "" (as in SQLite); is_null() tells them apart.
    int64_t as_int64() const { return statement_->int64_at(index_); }
    int as_int() const { return static_cast<int>(as_int64()); }
    double as_double() const { return statement_->double_at(index_); }
    std::string as_text() const { return statement_->text_at(index_); }
    ColumnType type() const { return statement_->type_at(index_); }
    bool is_null() const { return type() == ColumnType::null; }
    bool is_integer() const { return type() == ColumnType::integer; }
    bool is_text() const { return type() == ColumnType::text; }

private:
    StatementBackend* statement_;
    int index_;
};

class Statement {
public:
    // Prepares `sql` on `db`; throws DbError when it does not prepare.
    Statement(Db& db, const std::string& sql);
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;

    void bind(int pos, int value) { impl_->bind_int64(pos, value); }
    void bind(int pos, int64_t value) { impl_->bind_int64(pos, value); }
    void bind(int pos, double value) { impl_->bind_double(pos, value); }
    void bind(int pos, const std::string& value) { impl_->bind_text(pos, value); }
    void bind(int pos, const char* value) { impl_->bind_text(pos, value); }
    void bind(int pos) { impl_->bind_null(pos); }  // NULL

    // Binds every value in order from ?1 on.
    template <class... Values>
    void bind_all(const Values&... values) {
        [[maybe_unused]] int pos = 0;
        (bind(++pos, values), ...);
    }

    // The next row: true while there is one, false once the statement is done.
    bool step() { return impl_->step(); }
    // Runs a statement that returns no rows to its end; returns how many rows it changed.
    int exec() { return impl_->exec(); }
    // Ready to run again from the start; bindings are kept.
    void reset() { impl_->reset(); }
    Column column(int i) const { return Column(*impl_, i); }

private:
    std::unique_ptr<StatementBackend> impl_;
};

}  // namespace mj
