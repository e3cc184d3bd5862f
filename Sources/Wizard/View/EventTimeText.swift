import Engine
import Foundation

/// Times on screen: the stored UTC form, minute precision ("2026-11-29 14:05").
enum EventTimeText {
    static func format(_ date: Date) -> String { EventTime.format(date) }
}
