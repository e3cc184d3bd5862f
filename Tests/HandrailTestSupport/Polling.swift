import Foundation

/// Something awaited that did not come before its deadline.
public struct TimedOut: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Polls `condition` until it holds, pausing `interval` seconds between looks (never instead of
/// one); throws `TimedOut` naming `what` once `timeout` seconds have passed.
public func waitUntil(_ what: String, timeout: TimeInterval, interval: TimeInterval = 0.05,
                      _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw TimedOut("timed out after \(timeout) s waiting for \(what)") }
        usleep(useconds_t(max(interval, 0.000_001) * 1_000_000))
    }
}
