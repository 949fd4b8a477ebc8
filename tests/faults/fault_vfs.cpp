// Test-only SQLite VFS that fails the Nth write, sync or truncate of the process (issue 11, "I/O
// fault injection"). Linked only into out/.../mailjobs-faults (Makefile target FAULT_BIN), never
// into the release binary: out/mailjobs has no trace of it.
//
// MAILJOBS_FAULT selects what fails (unset: the VFS is not even registered, the binary behaves
// exactly like the release one):
//   write:N     the Nth xWrite fails with SQLITE_IOERR_WRITE, later ones succeed (a transient error)
//   sync:N      the Nth xSync fails with SQLITE_IOERR_FSYNC
//   truncate:N  the Nth xTruncate fails with SQLITE_IOERR_TRUNCATE
//   full:N      the Nth xWrite fails with SQLITE_FULL
//   KIND:N+     the Nth and every later one of that kind fail (a disk that stays broken or full)
//   count       nothing fails; only the counts are reported (see MAILJOBS_FAULT_LOG)
// N counts from 1 across every file (database, -wal, journals, temp files) and every connection
// and thread of the process (the purge's checkpoint thread included), as SQLite's own I/O error
// tests do, so a sweep N = 1, 2, ... hits every I/O call the run makes, in order.
//
// MAILJOBS_FAULT_LOG=FILE appends one line per injected fault ("hit write 17 var/mailjobs.db-wal")
// and, at exit, the totals ("ops write=120 sync=3 truncate=1"). A sweep stops at the first N that
// logs no hit: the run then completed with every I/O call succeeding.
//
// Registered as the default VFS from a static initializer, before main() opens anything, so no
// line of the program changes for it. It wraps the VFS that was the default before (unix): every
// method passes through, only the three counted ones can fail. A wrapped file is our header
// followed by the real VFS's file in the same allocation (szOsFile), the layout SQLite's own
// test_vfstrace.c uses.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

enum Kind { kWrite, kSync, kTruncate, kKinds };
const char* const kKindNames[kKinds] = {"write", "sync", "truncate"};

struct Plan {
    bool active = false;     // registered at all
    int kind = -1;           // -1: count only
    long long n = 0;         // 1-based index of the first failing call
    bool persistent = false; // N+: every later call fails too
    bool full = false;       // SQLITE_FULL instead of SQLITE_IOERR_*
    std::string log;         // MAILJOBS_FAULT_LOG
};
Plan g_plan;
std::atomic<long long> g_count[kKinds];
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;

void log_line(const std::string& line) {
    if (g_plan.log.empty()) return;
    int fd = ::open(g_plan.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    std::string l = line + "\n";
    ssize_t ignored = ::write(fd, l.data(), l.size());
    (void)ignored;
    ::close(fd);
}

struct FaultFile {
    sqlite3_file base;     // pMethods = &g_io
    sqlite3_file* real;    // points just after this struct
    const char* name;      // for the log; SQLite keeps zName alive while the file is open
};

FaultFile* ff(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return ff(f)->real; }

// Counts one call of `kind`; returns the error code to inject, or SQLITE_OK.
int fault(int kind, sqlite3_file* f, int ioerr) {
    long long i = ++g_count[kind];
    if (g_plan.kind != kind) return SQLITE_OK;
    if (i != g_plan.n && !(g_plan.persistent && i > g_plan.n)) return SQLITE_OK;
    log_line(std::string("hit ") + kKindNames[kind] + " " + std::to_string(i) + " " +
             (ff(f)->name ? ff(f)->name : "(temp)"));
    return g_plan.full ? SQLITE_FULL : ioerr;
}

int x_close(sqlite3_file* f) {
    int rc = real(f)->pMethods->xClose(real(f));
    f->pMethods = nullptr;
    return rc;
}
int x_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
    return real(f)->pMethods->xRead(real(f), buf, amt, off);
}
int x_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
    if (int rc = fault(kWrite, f, SQLITE_IOERR_WRITE)) return rc;
    return real(f)->pMethods->xWrite(real(f), buf, amt, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (int rc = fault(kTruncate, f, SQLITE_IOERR_TRUNCATE)) return rc;
    return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
    if (int rc = fault(kSync, f, SQLITE_IOERR_FSYNC)) return rc;
    return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) {
    int rc = real(f)->pMethods->xFileControl(real(f), op, arg);
    // The VFS name SQLite reports (PRAGMA vfs_list / SQLITE_FCNTL_VFSNAME) says the wrapper is there.
    if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK) {
        char* inner = *static_cast<char**>(arg);
        *static_cast<char**>(arg) = sqlite3_mprintf("%s/%z", g_vfs.zName, inner);
    }
    return rc;
}
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device_chars(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
// WAL's shared memory is mmap'ed, not written through xWrite: it is not a failure point here
// (SQLite rebuilds the -shm index from the WAL, so a broken one is not durable state anyway).
int x_shm_map(sqlite3_file* f, int pg, int pgsz, int extend, void volatile** pp) {
    return real(f)->pMethods->xShmMap(real(f), pg, pgsz, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int off, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), off, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) { return real(f)->pMethods->xFetch(real(f), off, amt, pp); }
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return real(f)->pMethods->xUnfetch(real(f), off, p); }

// Version 3, like the unix VFS's own methods (checked in fault_open: a real file with fewer
// methods would make SQLite call ones that are not there).
const sqlite3_io_methods g_io = {
    3,          x_close,     x_read,        x_write,         x_truncate,     x_sync,     x_file_size,
    x_lock,     x_unlock,    x_check_reserved, x_file_control, x_sector_size, x_device_chars,
    x_shm_map,  x_shm_lock,  x_shm_barrier, x_shm_unmap,     x_fetch,        x_unfetch};

int fault_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    FaultFile* p = ff(f);
    p->real = reinterpret_cast<sqlite3_file*>(p + 1);
    p->name = name;
    int rc = g_real->xOpen(g_real, name, p->real, flags, out_flags);
    // SQLite calls xClose only when pMethods is set: mirror the real file's state.
    if (p->real->pMethods == nullptr) {
        f->pMethods = nullptr;
        return rc;
    }
    if (p->real->pMethods->iVersion < 3) {
        p->real->pMethods->xClose(p->real);
        f->pMethods = nullptr;
        return SQLITE_CANTOPEN;
    }
    f->pMethods = &g_io;
    return rc;
}

// Everything else is the real VFS's, called with the real VFS (unix reads its own pAppData).
int v_delete(sqlite3_vfs*, const char* name, int sync) { return g_real->xDelete(g_real, name, sync); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); }
void* v_dlopen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void v_dlerror(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*v_dlsym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_real->xDlSym(g_real, h, sym); }
void v_dlclose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int v_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int v_last_error(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); }
int v_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }
int v_set_syscall(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) { return g_real->xSetSystemCall(g_real, name, p); }
sqlite3_syscall_ptr v_get_syscall(sqlite3_vfs*, const char* name) { return g_real->xGetSystemCall(g_real, name); }
const char* v_next_syscall(sqlite3_vfs*, const char* name) { return g_real->xNextSystemCall(g_real, name); }

[[noreturn]] void bad_spec(const char* spec) {
    std::fprintf(stderr,
                 "mailjobs: error: MAILJOBS_FAULT='%s' is not write:N, sync:N, truncate:N, full:N (N >= 1, "
                 "optionally N+) or count\n",
                 spec);
    std::_Exit(2);
}

void parse(const char* spec) {
    std::string s = spec;
    if (s == "count") return;
    auto colon = s.find(':');
    if (colon == std::string::npos) bad_spec(spec);
    std::string kind = s.substr(0, colon), num = s.substr(colon + 1);
    if (!num.empty() && num.back() == '+') { g_plan.persistent = true; num.pop_back(); }
    if (num.empty() || num.size() > 12 || num.find_first_not_of("0123456789") != std::string::npos) bad_spec(spec);
    g_plan.n = std::stoll(num);
    if (g_plan.n < 1) bad_spec(spec);
    if (kind == "full") { g_plan.kind = kWrite; g_plan.full = true; }
    else if (kind == "write") g_plan.kind = kWrite;
    else if (kind == "sync") g_plan.kind = kSync;
    else if (kind == "truncate") g_plan.kind = kTruncate;
    else bad_spec(spec);
}

struct Registrar {
    Registrar() {
        const char* spec = std::getenv("MAILJOBS_FAULT");
        if (!spec) return;
        parse(spec);
        if (const char* l = std::getenv("MAILJOBS_FAULT_LOG")) g_plan.log = l;
        g_real = sqlite3_vfs_find(nullptr);
        if (!g_real || g_real->iVersion < 3) {
            std::fprintf(stderr, "mailjobs: error: MAILJOBS_FAULT: no version-3 default SQLite VFS to wrap\n");
            std::_Exit(2);
        }
        g_vfs = *g_real;  // mxPathname, iVersion; every method is replaced below
        g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
        g_vfs.zName = "mailjobs-fault";
        g_vfs.pAppData = nullptr;
        g_vfs.pNext = nullptr;
        g_vfs.xOpen = fault_open;
        g_vfs.xDelete = v_delete;
        g_vfs.xAccess = v_access;
        g_vfs.xFullPathname = v_full_pathname;
        g_vfs.xDlOpen = v_dlopen;
        g_vfs.xDlError = v_dlerror;
        g_vfs.xDlSym = v_dlsym;
        g_vfs.xDlClose = v_dlclose;
        g_vfs.xRandomness = v_randomness;
        g_vfs.xSleep = v_sleep;
        g_vfs.xCurrentTime = v_current_time;
        g_vfs.xGetLastError = v_last_error;
        g_vfs.xCurrentTimeInt64 = v_current_time64;
        g_vfs.xSetSystemCall = v_set_syscall;
        g_vfs.xGetSystemCall = v_get_syscall;
        g_vfs.xNextSystemCall = v_next_syscall;
        if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) {
            std::fprintf(stderr, "mailjobs: error: MAILJOBS_FAULT: cannot register the fault VFS\n");
            std::_Exit(2);
        }
        g_plan.active = true;
    }
    // Totals at exit (also after a run that hit its fault), so a sweep knows how many calls there were.
    ~Registrar() {
        if (!g_plan.active) return;
        log_line("ops write=" + std::to_string(g_count[kWrite].load()) + " sync=" + std::to_string(g_count[kSync].load()) +
                 " truncate=" + std::to_string(g_count[kTruncate].load()));
    }
};
Registrar g_registrar;

}  // namespace
