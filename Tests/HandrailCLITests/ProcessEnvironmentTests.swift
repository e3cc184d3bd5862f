import Foundation
@testable import HandrailCLI
import XCTest

/// The environment a command reads is environ(7) itself, the first of a repeated name winning
/// as getenv(3) has it: a caller who hands the process two HANDRAIL_DB entries does not get a
/// different database from Handrail than from every C program beside it.
final class ProcessEnvironmentTests: XCTestCase {
    func testTheEnvironmentIsTheProcesssOwn() {
        let current = ProcessEnvironment.current()
        XCTAssertEqual(current["PATH"], String(cString: getenv("PATH")))
        XCTAssertEqual(current.count, Set(ProcessInfo.processInfo.environment.keys).count)
        for (name, value) in current { XCTAssertEqual(value, String(cString: getenv(name)), name) }
    }

    func testARepeatedNameIsReadAsGetenvReadsItAndOddEntriesAreKept() {
        let entries = ["HANDRAIL_DB=/first.db", "HANDRAIL_DB=/second.db", "NO_EQUALS_SIGN", "EMPTY=", "WITH=EQUALS=INSIDE"]
        let pointers = entries.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        pointers.withUnsafeBufferPointer { buffer in
            let read = ProcessEnvironment.read(buffer.baseAddress!)
            XCTAssertEqual(read["HANDRAIL_DB"], "/first.db", "the first, as getenv(3) reads it")
            XCTAssertEqual(read["EMPTY"], "")
            XCTAssertEqual(read["WITH"], "EQUALS=INSIDE")
            XCTAssertNil(read["NO_EQUALS_SIGN"])
            XCTAssertEqual(read.count, 3)
        }
    }
}
