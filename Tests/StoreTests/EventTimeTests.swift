import Engine
import Foundation
import XCTest

/// Stored event times: fixed-width UTC with milliseconds, so text order is time order and a
/// time read back equals the time written.
final class EventTimeIsFixedWidthUTCMillisecondsTests: XCTestCase {
    func testFormatsTheEpochAndAKnownInstant() {
        XCTAssertEqual(EventTime.format(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        // 2026-05-17T10:00:00Z is 1_779_012_000 seconds after the epoch.
        XCTAssertEqual(EventTime.format(Date(timeIntervalSince1970: 1_779_012_000.25)), "2026-05-17T10:00:00.250Z")
        XCTAssertEqual(EventTime.parse("2026-05-17T10:00:00.250Z"), Date(timeIntervalSince1970: 1_779_012_000.25))
    }

    func testFormatParseRoundTripsMillisecondTimes() {
        var seconds = 946_684_800.0 // 2000-01-01
        for i in 0..<2_000 {
            let millis = Double((i &* 7_919) % 1_000)
            let date = Date(timeIntervalSince1970: seconds.rounded(.down) + millis / 1000)
            let text = EventTime.format(date)
            XCTAssertEqual(EventTime.parse(text), date, text)
            seconds += 86_400.0 * 3.7 + 3_601
        }
        // Leap day and end of year.
        for text in ["2024-02-29T23:59:59.999Z", "2025-12-31T23:59:59.000Z", "2026-01-01T00:00:00.001Z"] {
            XCTAssertEqual(EventTime.parse(text).map(EventTime.format), text)
        }
    }

    func testEveryFormattedTimeIsTwentyFourCharactersAndSortsAsTime() {
        let dates = [0.0, 0.001, 59.999, 1_000_000_000, 1_779_012_000.5, 4_102_444_799.999].map(Date.init(timeIntervalSince1970:))
        let texts = dates.map(EventTime.format)
        for text in texts { XCTAssertEqual(text.utf8.count, 24, text) }
        XCTAssertEqual(texts, texts.sorted(), "text order must be time order")
    }

    func testSubMillisecondPartsAreTruncatedNotRounded() {
        let base = 1_779_012_000.0
        XCTAssertEqual(EventTime.format(Date(timeIntervalSince1970: base + 0.9999)), "2026-05-17T10:00:00.999Z")
        XCTAssertEqual(EventTime.format(Date(timeIntervalSince1970: base + 0.0004)), "2026-05-17T10:00:00.000Z")
        // Before the epoch the millisecond floor still goes down, not toward zero.
        XCTAssertEqual(EventTime.format(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
        let precise = Date(timeIntervalSince1970: base + 0.123_456)
        let truncated = EventTime.truncated(precise)
        XCTAssertEqual(EventTime.format(truncated), "2026-05-17T10:00:00.123Z")
        XCTAssertEqual(EventTime.parse(EventTime.format(precise)), truncated, "truncated equals what is read back")
        XCTAssertEqual(EventTime.truncated(truncated), truncated, "truncation is idempotent")
    }

    func testParseRejectsAnythingButTheStoredForm() {
        for text in ["", "2026-05-17T10:00:00Z", "2026-05-17T10:00:00.000", "2026-05-17 10:00:00.000Z",
                     "2026-05-17T10:00:00.0000Z", "2026-05-17T10:00:00,000Z", "2026-O5-17T10:00:00.000Z",
                     "2026-05-17T10:00:00.000+", " 2026-05-17T10:00:00.000Z"] {
            XCTAssertNil(EventTime.parse(text), text)
        }
    }

    func testParseLenientAcceptsMinutesSecondsMillisecondsWithOrWithoutZ() {
        let expected = EventTime.parse("2026-05-17T10:30:00.000Z")!
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30Z"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30:00"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30:00Z"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30:00.000"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30:00.000Z"), expected)
        XCTAssertEqual(EventTime.parseLenient("2026-05-17T10:30:45.250"), EventTime.parse("2026-05-17T10:30:45.250Z"))
    }

    func testParseLenientRejectsDatesWithoutTimeAndOtherShapes() {
        for text in ["", "2026-05-17", "2026-05-17T10", "2026-05-17T10:3", "17/05/2026 10:30", "2026-05-17T10:30:00.0"] {
            XCTAssertNil(EventTime.parseLenient(text), text)
        }
    }

    func testParseLenientRefusesOutOfRangeFieldsInsteadOfRollingThemOver() {
        for text in ["2026-02-30T10:00", "2026-13-01T10:00", "2026-05-17T24:00", "2026-05-17T10:60", "2026-05-17T10:30:60",
                     "2026-00-10T10:00"] {
            XCTAssertNil(EventTime.parseLenient(text), text)
        }
        XCTAssertEqual(EventTime.parseLenient("2024-02-29T23:59:59"), EventTime.parse("2024-02-29T23:59:59.000Z"), "a real leap day")
    }
}
