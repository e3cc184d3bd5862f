import Foundation

/// The wall clock a child process sees, set with `faketime` (libfaketime preloaded; it answers
/// the `clock_gettime` behind Foundation's `Date()`). The monotonic clock stays real, so the
/// child's timeouts and waits behave as they would.
public enum FakeTime: Sendable, Equatable {
    /// The clock stands still at this time for the whole process: `faketime -f 'YYYY-MM-DD hh:mm:ss'`.
    /// Every time the process records is exactly this one.
    case frozen(Date)
    /// The clock starts at this time when the process starts and runs on from there:
    /// `faketime -f '@YYYY-MM-DD hh:mm:ss'` (for a program that waits for things, like the wizard).
    case startingAt(Date)

    /// The `faketime` wrapper's arguments before the program and its own.
    public var arguments: [String] {
        switch self {
        case .frozen(let date): return ["-f", FakeTime.stamp(date)]
        case .startingAt(let date): return ["-f", "@" + FakeTime.stamp(date)]
        }
    }

    /// What `faketime` needs beside its arguments: the real monotonic clock.
    public static let environment = ["FAKETIME_DONT_FAKE_MONOTONIC": "1"]

    /// `YYYY-MM-DD hh:mm:ss` in UTC.
    public static func stamp(_ date: Date) -> String {
        var t = time_t(Int64(date.timeIntervalSince1970.rounded(.down)))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `YYYY-MM-DD hh:mm:ss` read as UTC.
    public static func date(_ stamp: String) -> Date {
        let numbers = stamp.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
        precondition(numbers.count == 6, "not YYYY-MM-DD hh:mm:ss: \(stamp)")
        var parts = tm()
        parts.tm_year = numbers[0] - 1900
        parts.tm_mon = numbers[1] - 1
        parts.tm_mday = numbers[2]
        parts.tm_hour = numbers[3]
        parts.tm_min = numbers[4]
        parts.tm_sec = numbers[5]
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// A wall clock that moves only when told: each step of a test runs its command frozen at the
/// clock's current time, then the clock moves on by `step`. Times recorded by successive commands
/// are therefore strictly increasing, exact to the millisecond, and the same on every run.
public final class FakeClock: @unchecked Sendable {
    /// 2026-05-19 10:15:00 UTC: a weekday morning, far from midnight either side.
    public static let defaultStart = FakeTime.date("2026-05-19 10:15:00")

    public private(set) var now: Date
    public let step: TimeInterval

    public init(start: Date = FakeClock.defaultStart, step: TimeInterval = 1) {
        now = start
        self.step = step
    }

    /// The time for the next command; the clock then moves on by one step.
    public func tick() -> FakeTime {
        defer { now = now.addingTimeInterval(step) }
        return .frozen(now)
    }

    /// Moves the clock on (a wait in the story: an hour, a day).
    public func advance(by interval: TimeInterval) {
        now = now.addingTimeInterval(interval)
    }

    /// The clock's day as the commands see it with TZ=UTC: YYYY-MM-DD.
    public var today: String { String(FakeTime.stamp(now).prefix(10)) }

    /// The clock's time as typed into a fact: YYYY-MM-DDThh:mm:ss.
    public var typed: String { FakeTime.stamp(now).replacingOccurrences(of: " ", with: "T") }
}
