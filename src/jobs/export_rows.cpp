#include "jobs/export_rows.h"

#include <nlohmann/json.hpp>

namespace mj {

ExportValue export_value(const Statement& q, int i) {
    Column c = q.column(i);
    ExportValue v;
    v.type = c.type();
    if (v.type != ColumnType::null) v.text = c.as_text();
    return v;
}

std::string base64(const std::string& bytes) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[n >> 18];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    if (i < bytes.size()) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += alphabet[n >> 18];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string export_json_row(const std::vector<std::string>& columns, const std::vector<ExportValue>& values) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    for (size_t i = 0; i < columns.size() && i < values.size(); ++i) {
        const ExportValue& v = values[i];
        switch (v.type) {
            case ColumnType::null: row[columns[i]] = nullptr; break;
            case ColumnType::integer: row[columns[i]] = std::stoll(v.text); break;
            case ColumnType::real: row[columns[i]] = std::stod(v.text); break;
            case ColumnType::text: row[columns[i]] = v.text; break;
            case ColumnType::blob: row[columns[i]] = {{"base64", base64(v.text)}}; break;
        }
    }
    // Text the application stored that is not UTF-8 is replaced, not a reason to fail the export.
    return row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

std::string csv_field(const std::string& s, bool guard_formula) {
    std::string v = s;
    if (guard_formula && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
        v.insert(v.begin(), '\'');
    if (v.find_first_of(",\"\r\n") == std::string::npos && (v.empty() || (v.front() != ' ' && v.back() != ' '))) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string export_csv_header(const std::vector<std::string>& columns) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(columns[i], false);
    return out + "\r\n";
}

std::string export_csv_row(const std::vector<ExportValue>& values) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        const ExportValue& v = values[i];
        if (v.type == ColumnType::null) continue;
        if (v.type == ColumnType::blob) out += "base64:" + base64(v.text);
        else out += csv_field(v.text, v.type == ColumnType::text);
    }
    return out + "\r\n";
}

}  // namespace mj
