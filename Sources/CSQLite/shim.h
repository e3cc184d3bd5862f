#ifndef HANDRAIL_CSQLITE_SHIM_H
#define HANDRAIL_CSQLITE_SHIM_H

#include <sqlite3.h>

/*
 * SQLITE_TRANSIENT is a macro that casts -1 to a function pointer
 * (https://sqlite.org/c3ref/c_static.html); Swift cannot import it, so it is
 * handed over through a static inline accessor. SQLITE_TRANSIENT tells SQLite
 * to copy bound text/blob values before sqlite3_bind_* returns, which is what a
 * Swift String's temporary buffer requires.
 */
static inline sqlite3_destructor_type handrail_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/* sqlite3_config and sqlite3_db_config are variadic; Swift cannot call them directly. */
static inline int handrail_sqlite_db_config_defensive(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, (int *)0);
}

/*
 * Leave the write-ahead log in place when the last connection closes, without the checkpoint
 * SQLite otherwise runs then (https://sqlite.org/c3ref/c_dbconfig_defensive.html,
 * SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
 */
static inline int handrail_sqlite_db_config_no_checkpoint_on_close(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on, (int *)0);
}

#endif
