// WAL checkpoints between purge batches, not inside them.
//
// Why: SQLite's automatic checkpoint (every 1000 WAL pages) runs inside the COMMIT of whichever
// connection crosses the mark. In a purge that is our COMMIT, so the batch's measured time (and the
// adaptive size) would include copying 1000 pages, and if we leave it to the application, its next
// INSERT pays for it instead. While a purge runs, this guard replaces the automatic checkpoint by
// a PASSIVE one between batches (no transaction open, never waits for readers or writers) once the
// WAL has grown past the same mark; on destruction the automatic checkpoint is restored.
#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>

namespace mj {

class Checkpointer {
public:
    explicit Checkpointer(SQLite::Database& db);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Between batches: a PASSIVE checkpoint if the WAL has grown past the mark since the last one.
    void between_batches();

private:
    SQLite::Database& db_;
    int64_t restore_pages_ = 1000;  // the connection's wal_autocheckpoint before
    int wal_frames_ = 0;            // WAL size after the last commit (from the WAL hook)
    bool wal_ = false;
};

}  // namespace mj
