// How account-export writes a row: JSON types, CSV quoting (RFC 4180), the formula guard in CSV
// only, BLOBs as base64, invalid UTF-8 replaced rather than failing the export.
#include "jobs/export_rows.h"

#include <catch2/catch.hpp>

using mj::ColumnType;
using mj::ExportValue;

TEST_CASE("export rows: JSON keeps types and exact text", "[export_rows]") {
    std::vector<std::string> cols = {"id", "ratio", "note", "gone", "raw"};
    std::vector<ExportValue> v = {{ColumnType::integer, "42"}, {ColumnType::real, "0.5"}, {ColumnType::text, "=1+1, \"q\""},
                                  {ColumnType::null, ""}, {ColumnType::blob, std::string("\x00\xff", 2)}};
    CHECK(mj::export_json_row(cols, v) == R"({"id":42,"ratio":0.5,"note":"=1+1, \"q\"","gone":null,"raw":{"base64":"AP8="}})");
    std::vector<ExportValue> bad = {{ColumnType::text, std::string("a\xff" "b")}};
    CHECK(mj::export_json_row({"t"}, bad) == "{\"t\":\"a\xef\xbf\xbd" "b\"}");
}

TEST_CASE("export rows: CSV quotes, guards formulas in text only, NULL is empty", "[export_rows]") {
    CHECK(mj::export_csv_header({"id", "a,b"}) == "id,\"a,b\"\r\n");
    std::vector<ExportValue> v = {{ColumnType::integer, "-5"},       {ColumnType::text, "=HYPERLINK(\"x\")"},
                                  {ColumnType::text, "line\nbreak"}, {ColumnType::null, ""},
                                  {ColumnType::text, "@sum"},        {ColumnType::text, " padded"},
                                  {ColumnType::blob, "hi"}};
    CHECK(mj::export_csv_row(v) == "-5,\"'=HYPERLINK(\"\"x\"\")\",\"line\nbreak\",,'@sum,\" padded\",base64:aGk=\r\n");
}

TEST_CASE("base64: RFC 4648 vectors", "[export_rows]") {
    CHECK(mj::base64("") == "");
    CHECK(mj::base64("f") == "Zg==");
    CHECK(mj::base64("fo") == "Zm8=");
    CHECK(mj::base64("foo") == "Zm9v");
    CHECK(mj::base64("foobar") == "Zm9vYmFy");
}
