import Foundation

/// Event times as stored: UTC, ISO 8601, millisecond precision ("2026-05-17T10:00:00.000Z").
/// Fixed width, so text order is time order and `--since`/`--until` filters use the index.
public enum EventTime {
    public static func format(_ date: Date) -> String {
        let (seconds, millis) = parts(date)
        return format(milliseconds: seconds * 1000 + Int64(millis))
    }

    /// The stored spelling of a time given in whole milliseconds since 1970, exactly: for formats
    /// that sign the text (checkpoints) and must not go through floating point.
    public static func format(milliseconds ms: Int64) -> String {
        var t = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int(ms - Int64(t) * 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        var text = DigitText(capacity: 24)
        text.append(Int(parts.tm_year) + 1900, width: 4, then: "-")
        text.append(Int(parts.tm_mon) + 1, width: 2, then: "-")
        text.append(Int(parts.tm_mday), width: 2, then: "T")
        text.append(Int(parts.tm_hour), width: 2, then: ":")
        text.append(Int(parts.tm_min), width: 2, then: ":")
        text.append(Int(parts.tm_sec), width: 2, then: ".")
        text.append(millis, width: 3, then: "Z")
        return text.string
    }

    public static func parse(_ text: String) -> Date? {
        guard let (seconds, millis) = fields(text) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }

    /// The time in whole milliseconds since 1970, for text in the stored spelling.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        fields(text).map { $0.seconds * 1000 + Int64($0.millis) }
    }

    /// A time in the stored spelling, from its UTF-8 bytes as a column holds them: for loops
    /// over millions of events, which should not build a String per time.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Date? {
        guard let (seconds, millis) = fields(bytes) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }

    private static func fields(_ text: String) -> (seconds: Int64, millis: Int)? {
        var text = text
        return text.withUTF8 { fields(UnsafeRawBufferPointer($0)) }
    }

    private static func fields(_ bytes: UnsafeRawBufferPointer) -> (seconds: Int64, millis: Int)? {
        guard bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
              bytes[19] == 46, bytes[23] == 90 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (48...57).contains(bytes[i]) else { return nil }
                n = n * 10 + Int(bytes[i] - 48)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), let millis = number(20..<23) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return (Int64(timegm(&parts)), millis)
    }

    /// Dates as people type them: `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, optionally with
    /// milliseconds and a trailing `Z`; always UTC.
    public static func parseLenient(_ text: String) -> Date? {
        var t = text.hasSuffix("Z") ? String(text.dropLast()) : text
        if t.count == 16 { t += ":00" }
        if t.count == 19 { t += ".000" }
        // `parse` leaves ranges to timegm, which reads a typed 2026-02-30T25:61 as 2026-03-03T02:01:
        // a typo must be refused, not become another date.
        guard t.utf8.count == 23, CalendarDay(parsing: String(t.prefix(10))) != nil,
              let hour = Int(t.dropFirst(11).prefix(2)), let minute = Int(t.dropFirst(14).prefix(2)),
              let second = Int(t.dropFirst(17).prefix(2)), hour < 24, minute < 60, second < 60 else { return nil }
        return parse(t + "Z")
    }

    /// `date` truncated to what is stored, so a state computed in memory equals one replayed from disk.
    /// Built exactly as `parse` builds it, so `truncated(d) == parse(format(d))`.
    public static func truncated(_ date: Date) -> Date {
        let (seconds, millis) = parts(date)
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }

    /// Whole seconds since the epoch (floored) and the millisecond within them, truncating
    /// anything finer. The time is first rounded to the microsecond: `seconds + millis / 1000`
    /// in binary floating point can lie a hair below the millisecond it stands for
    /// ((1_075_027_357 + 0.843) * 1000 < 1_075_027_357_843), and flooring that would lose one.
    private static func parts(_ date: Date) -> (seconds: Int64, millis: Int) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let milliseconds = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000)
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
        return (seconds, Int(milliseconds - seconds * 1000))
    }
}
