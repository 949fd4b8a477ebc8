// Schema migrations embedded in the binary (share/schema.md documents every table).
//
// The runner (core/db) sets PRAGMA auto_vacuum=INCREMENTAL before migration 1, applies every entry
// whose version is above PRAGMA user_version in order, each inside its own BEGIN IMMEDIATE
// transaction, and sets user_version to the entry's version in that same transaction. The SQL of an
// entry therefore holds no PRAGMA and no BEGIN/COMMIT. A database whose user_version is above the
// last entry's version was written by a newer binary and is refused untouched.
#pragma once
#include <vector>
namespace mj {
struct Migration { int version; const char* name; const char* sql; };
// Ordered, append-only list. user_version == the last applied version. Never edit a released entry.
const std::vector<Migration>& migrations();
}
