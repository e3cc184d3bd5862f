import Foundation

/// How a connection waits for another's lock: tries again every 1–3 ms until its budget is spent.
///
/// SQLite's own handler (sqlite3_busy_timeout) sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and
/// then 100 ms between tries (sqliteDefaultBusyCallback, src/main.c). Under a burst of writers a
/// process that has waited a while looks at the lock only every 100 ms, while each newcomer looks
/// within a few: the longest waiter keeps losing the lock to newer ones until its budget runs out
/// and its operator is told "database is locked" — a lock taken at random by whoever looks first
/// is only fair when everyone looks as often. Here every waiter, old or new, tries again after a
/// short random pause (random, so that waiters do not wake in step), for the whole budget
/// (https://sqlite.org/c3ref/busy_handler.html). A try is one file-lock call: cheap.
public final class BusyWait {
    public let budget: Duration
    private let clock = ContinuousClock()
    private var started: ContinuousClock.Instant?

    public init(budget: Duration) {
        self.budget = budget
    }

    /// SQLite's question: `count` tries have failed for this lock; try again (true) or give up?
    public func tryAgain(after count: Int32) -> Bool {
        let now = clock.now
        if count == 0 || started == nil { started = now }
        guard let started, now - started < budget else { return false }
        usleep(UInt32.random(in: 1_000...3_000))
        return true
    }
}
