#include "jobs/export_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/user_data.h"
#include "jobs/export_rows.h"
#include "jobs/spool_files.h"
#include "jobs/zip_writer.h"

namespace mj {
namespace {

// A table of the list as the export writes it: its paths (entries), the columns that leave, and
// the key its batches walk.
struct ExportTable {
    std::string name;
    std::vector<const UserDataTable*> entries;
    std::vector<std::string> columns;
    std::vector<std::string> left_out;
    std::vector<std::string> key;
    bool spool_files = false;
};

std::vector<ExportTable> export_tables(Db& db) {
    std::vector<ExportTable> out;
    for (const auto& e : user_data_tables()) {
        if (e.fate == UserRowFate::kept) continue;  // account_deletions: ours, not the user's
        ExportTable* t = nullptr;
        for (auto& x : out)
            if (x.name == e.table) t = &x;
        if (!t) {
            out.push_back(ExportTable{e.table, {}, {}, {}, db.row_key(e.table), false});
            t = &out.back();
            for (const auto& c : db.column_names(e.table)) (never_exported(e, c) ? t->left_out : t->columns).push_back(c);
        }
        t->entries.push_back(&e);
        for (const char* f : e.file_columns)
            if (std::string(f) == "spool_path") t->spool_files = true;
    }
    return out;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// The key a path's batches walk: for a path straight from users (`via_column = ?1`) the columns
// of its index after via_column, then the rowid, so each batch is one seek into that index
// (message_logs(user_id, created_at): ORDER BY created_at, rowid); every key column must be NOT
// NULL (a NULL would fall out of the row-value comparison). Otherwise the table's row key.
std::vector<std::string> entry_key(Db& db, const ExportTable& t, const UserDataTable& e) {
    if (t.key != std::vector<std::string>{"rowid"} || std::string(e.parent) != "users" || *e.when_column) return t.key;
    std::vector<std::string> index = db.index_leading_with(e.table, e.via_column), key;
    for (size_t i = 1; i < index.size(); ++i) {
        if (!db.column_not_null(e.table, index[i])) return t.key;
        key.push_back(index[i]);
    }
    key.push_back("rowid");
    return key;
}

// One batch of `entry`'s rows after `after` (the key of the last row read; empty = from the start):
// SELECT key..., columns... FROM t WHERE <the user's rows> AND (key) > (after) ORDER BY key LIMIT n.
std::string batch_sql(const ExportTable& t, const UserDataTable& entry, const std::vector<std::string>& key,
                      const std::vector<std::string>& what, bool has_after, int64_t limit) {
    std::string sel = user_rows_select_sql(entry);  // "SELECT * FROM t WHERE ..."; ?1 = the user
    std::string key_list, params;
    for (size_t i = 0; i < key.size(); ++i) {
        key_list += (i ? ", " : "") + t.name + "." + key[i];
        params += std::string(i ? ", " : "") + "?" + std::to_string(i + 2);
    }
    std::string cols = key_list;
    for (const auto& c : what) cols += ", " + t.name + "." + quoted(c);
    std::string sql = "SELECT " + cols + sel.substr(8);
    if (has_after) sql += " AND (" + key_list + ") > (" + params + ")";
    return sql + " ORDER BY " + key_list + " LIMIT " + std::to_string(limit);
}

// Walks every row of the user in `t` (each path of the list in turn), `batch` rows per read, calling
// row(q, first_value_column) per row and after() per batch. Each batch is its own statement, run to
// its end and reset: no read transaction outlives a batch.
void walk_rows(Db& db, const ExportTable& t, const std::vector<std::string>& what, int64_t user_id, int64_t batch,
               const std::function<void(Statement&, int)>& row, const std::function<void()>& after) {
    for (const UserDataTable* entry : t.entries) {
        const std::vector<std::string> key = entry_key(db, t, *entry);
        const int nkey = static_cast<int>(key.size());
        std::vector<ExportValue> last;
        for (;;) {
            Statement q(db, batch_sql(t, *entry, key, what, !last.empty(), batch));
            q.bind(1, user_id);
            for (int i = 0; i < nkey && !last.empty(); ++i) {
                const ExportValue& v = last[i];
                if (v.type == ColumnType::integer) q.bind(i + 2, static_cast<int64_t>(std::stoll(v.text)));
                else if (v.type == ColumnType::real) q.bind(i + 2, std::stod(v.text));
                else if (v.type == ColumnType::null) q.bind(i + 2);
                else q.bind(i + 2, v.text);
            }
            int64_t n = 0;
            while (q.step()) {
                ++n;
                last.clear();
                for (int i = 0; i < nkey; ++i) last.push_back(export_value(q, i));
                row(q, nkey);
            }
            q.reset();
            after();
            if (n < batch) break;
        }
    }
}

}  // namespace

ExportBuilt build_export_archive(Db& db, const ExportRequest& req, const std::string& temp, int64_t now, int64_t batch,
                                 const std::string& spool_dir, const std::function<void(const ExportProgress&)>& after_batch) {
    const bool json = req.format != "csv", csv = req.format != "json";
    const std::vector<ExportTable> tables = export_tables(db);
    ZipWriter zip(temp, now);
    ExportProgress progress;
    progress.tables_total = static_cast<int>(tables.size());
    ExportBuilt built;
    nlohmann::ordered_json manifest_tables = nlohmann::ordered_json::object();
    nlohmann::ordered_json members = nlohmann::ordered_json::array();
    nlohmann::ordered_json left_out = nlohmann::ordered_json::object();
    auto ended = [&](const ZipMember& m) {
        members.push_back({{"name", m.name}, {"bytes", m.bytes}, {"sha256", m.sha256}});
        progress.bytes_in += m.bytes;
        ++built.members;
    };
    auto tick = [&] { after_batch(progress); };

    for (const auto& t : tables) {
        progress.table = t.name;
        int64_t rows = 0;
        if (json) {
            zip.begin(t.name + ".json");
            bool first = true;
            zip.write("[");
            walk_rows(db, t, t.columns, req.user_id, batch, [&](Statement& q, int from) {
                std::vector<ExportValue> values;
                for (size_t i = 0; i < t.columns.size(); ++i) values.push_back(export_value(q, from + static_cast<int>(i)));
                zip.write((first ? "\n" : ",\n") + export_json_row(t.columns, values));
                first = false;
                ++rows;
                ++progress.rows;
            }, tick);
            zip.write(first ? "]\n" : "\n]\n");
            ended(zip.end());
        }
        if (csv) {
            zip.begin(t.name + ".csv");
            zip.write(export_csv_header(t.columns));
            int64_t csv_rows = 0;
            walk_rows(db, t, t.columns, req.user_id, batch, [&](Statement& q, int from) {
                std::vector<ExportValue> values;
                for (size_t i = 0; i < t.columns.size(); ++i) values.push_back(export_value(q, from + static_cast<int>(i)));
                zip.write(export_csv_row(values));
                ++csv_rows;
                if (!json) ++progress.rows;
            }, tick);
            ended(zip.end());
            if (!json) rows = csv_rows;
        }
        nlohmann::ordered_json info = {{"rows", rows}};
        if (t.spool_files) {
            // Held mail kept as files: each one that exists inside the spool folder, as it is.
            int64_t files = 0, missing = 0;
            walk_rows(db, t, {"id", "spool_path"}, req.user_id, batch, [&](Statement& q, int from) {
                if (q.column(from + 1).is_null()) return;
                const std::string id = q.column(from).as_text();
                SpoolPath sp = resolve_spool_path(spool_dir, q.column(from + 1).as_text());
                int fd = sp.refused || sp.missing ? -1 : open(sp.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                    ++missing;
                    return;
                }
                zip.begin("held_mail/" + t.name + "/" + id + ".eml");
                char buf[65536];
                ssize_t n;
                while ((n = read(fd, buf, sizeof buf)) > 0) zip.write(buf, static_cast<size_t>(n));
                const bool failed = n < 0;
                close(fd);
                if (failed) throw std::runtime_error("reading held mail file " + sp.path + " failed");
                ended(zip.end());
                ++files;
                ++progress.files;
            }, tick);
            info["held_mail_files"] = files;
            if (missing) info["held_mail_files_not_found"] = missing;
            built.files += files;
        }
        manifest_tables[t.name] = info;
        if (!t.left_out.empty()) left_out[t.name] = t.left_out;
        built.rows += rows;
        ++progress.tables_done;
        tick();
    }

    nlohmann::ordered_json manifest = {
        {"format", "mailjobs-account-export"},
        {"format_version", 1},
        {"schema_version", db.schema_version()},
        {"exported_at", iso_time(now)},
        {"exported_at_unix", now},
        {"export_uuid", req.uuid},
        {"account_uuid", req.user_uuid},
        {"formats", req.format},
        {"tables", manifest_tables},
        {"left_out", left_out},
        {"left_out_why", "secrets (token and verification hashes, webhook secrets), encrypted header snapshots "
                         "(readable only with the service's key) and internal claim owners never leave the service"},
        {"consistency", "each table was read in short batches while the service ran: a row changed meanwhile may "
                        "appear in its old or its new state"},
        {"members", members},
    };
    zip.begin("manifest.json");
    zip.write(manifest.dump(2) + "\n");
    zip.end();
    ++built.members;
    zip.finish();
    built.bytes_in = progress.bytes_in;
    return built;
}

}  // namespace mj
