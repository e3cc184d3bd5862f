/*
 * A VFS shim (https://sqlite.org/vfs.html, "VFS Shims"; the object: https://sqlite.org/c3ref/vfs.html)
 * over SQLite's default VFS ("unix" on Linux) that changes one thing: a write-ahead log that already
 * exists is opened without SQLITE_OPEN_CREATE.
 *
 * Why. SQLite opens the log with READWRITE|CREATE|WAL whenever a connection starts using it
 * (sqlite3WalOpen, wal.c), whether the file is there or not. The unix VFS marks a log opened with
 * CREATE for a sync of its folder (unixOpen, os_unix.c: isNewJrnl, UNIXFILE_DIRSYNC), and the
 * connection's first sync of the log then also syncs the folder (unixSync), so that a new file's
 * name survives a power cut. Handrail keeps the log from one connection to the next
 * (Database.keepWriteAheadLogOnClose), and every command is a new process with a new connection:
 * every decision paid two syncs, its commit's and the folder's, although the log's name had been
 * durable since the log was created. Opened without CREATE, an existing log is not marked, and a
 * decision costs its commit's sync alone.
 *
 * A log that is not there is opened with SQLite's own flags: created, and marked, as SQLite does.
 * Its folder is then also synced here, at once: the connection that creates the log may never sync
 * it (a reader, such as `case show` after the log was removed, writes nothing), and a connection
 * that later finds the log does not sync the folder. Another process may find the new log in the
 * moment between its creation and that sync, and commit with the log's own sync alone; the
 * journalling file systems Handrail runs on (ext4, XFS) commit the new name with or before that
 * sync. A log made by another program (the sqlite3 shell) and only read by it is not synced here:
 * SQLite's own behaviour. A log that vanishes between the look and the open is opened again the
 * same way. Every other file, the database itself included, and every other method go to the
 * default VFS untouched.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handrail_sqlite_vfs.h"

/* The default VFS, which does all the work. */
static sqlite3_vfs *underlying;
/* Its copy, with its own name and xOpen: the unix VFS's other methods ignore the VFS pointer they
   are given, and szOsFile, mxPathname, iVersion and pAppData stay the default VFS's (unixOpen reads
   pAppData as its locking-style finder, through the pointer it is called with: the real one). */
static sqlite3_vfs shim;
static pthread_once_t registration = PTHREAD_ONCE_INIT;
static int registered;

/* Syncs the folder holding `path` (a full pathname, as SQLite hands xOpen), best effort as unixSync's
   own folder sync is: a folder that cannot be opened or synced is left as it is. */
static void sync_folder_of(const char *path) {
    char folder[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(folder, ".");
    } else if (slash == path) {
        strcpy(folder, "/");
    } else {
        size_t length = (size_t)(slash - path);
        if (length >= sizeof folder) return;
        memcpy(folder, path, length);
        folder[length] = '\0';
    }
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

static int open_file(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL) || !(flags & SQLITE_OPEN_CREATE) || name == NULL) {
        return underlying->xOpen(underlying, name, file, flags, outFlags);
    }
    /* stat, not xAccess: the unix VFS reports an empty file as absent (unixAccess), and a log
       truncated by a checkpoint is empty but has long had its name. */
    struct stat info;
    if (stat(name, &info) == 0) {
        int rc = underlying->xOpen(underlying, name, file, flags & ~SQLITE_OPEN_CREATE, outFlags);
        if (rc == SQLITE_OK) return rc;
        /* xOpen leaves pMethods NULL when it fails, or else expects xClose
           (https://sqlite.org/c3ref/io_methods.html); either way the handle is reused below. */
        if (file->pMethods != NULL) {
            file->pMethods->xClose(file);
            file->pMethods = NULL;
        }
    }
    int rc = underlying->xOpen(underlying, name, file, flags, outFlags);
    if (rc == SQLITE_OK) sync_folder_of(name);
    return rc;
}

static void register_shim(void) {
    underlying = sqlite3_vfs_find(NULL);
    if (underlying == NULL) return;
    shim = *underlying;
    shim.pNext = NULL;
    shim.zName = "handrail";
    shim.xOpen = open_file;
    registered = sqlite3_vfs_register(&shim, 0) == SQLITE_OK;
}

const char *handrail_sqlite_vfs(void) {
    pthread_once(&registration, register_shim);
    return registered ? shim.zName : NULL;
}
