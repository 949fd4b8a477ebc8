// How account-export writes one row (share/schema.md "exports", the archive's format):
//
// JSON member <table>.json: one array, one object per row on its own line, keys = the table's
//   columns minus those never exported (core/user_data.h). Integers and reals are numbers, NULL is
//   null, text is a string (invalid UTF-8 replaced by U+FFFD), a BLOB is {"base64": "..."}.
// CSV member <table>.csv (RFC 4180): a header line of column names, then one line per row, CRLF.
//   NULL is an empty field; a BLOB is "base64:" + base64. A text value that a spreadsheet would
//   run as a formula (first character = + - @ TAB or CR) gets a leading apostrophe (OWASP's advice
//   against CSV injection: an alias note "=HYPERLINK(...)" must not become a live link); the JSON
//   member keeps the exact value.
#pragma once
#include <string>
#include <vector>

#include "core/statement.h"

namespace mj {

// One value as the exporter read it.
struct ExportValue {
    ColumnType type = ColumnType::null;
    std::string text;  // integer/real/text as text; a BLOB's bytes
};

// Reads column i of the current row.
ExportValue export_value(const Statement& q, int i);

std::string export_json_row(const std::vector<std::string>& columns, const std::vector<ExportValue>& values);
std::string export_csv_header(const std::vector<std::string>& columns);
std::string export_csv_row(const std::vector<ExportValue>& values);

std::string base64(const std::string& bytes);

}  // namespace mj
