#ifndef HANDRAIL_SQLITE_VFS_H
#define HANDRAIL_SQLITE_VFS_H

/*
 * The name of the VFS Handrail's connections open their files through: SQLite's default VFS with
 * one change, in how an existing write-ahead log is opened (see handrail_sqlite_vfs.c). Registered
 * on the first call, once per process, thread-safely, and not as the default VFS; NULL if it could
 * not be registered (then the default VFS is used as it is, by passing NULL to sqlite3_open_v2).
 */
const char *handrail_sqlite_vfs(void);

#endif
