import Foundation
import XCTest

/// `handrail case list` shows a page (`--limit`, 500 by default) and, when more cases follow,
/// names on stderr the command for the next page (`--after` the last case shown): pages walked
/// that way list every case once, newest first. A limit that is not a page size, or an `--after`
/// case that does not exist, is a usage error that lists nothing.
final class CaseListPagingTests: XCTestCase {
    private var handrail: HandrailProcess!

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
    }

    override func tearDown() {
        handrail = nil
    }

    private func ids(_ run: HandrailProcess.Run) -> [String] {
        run.out.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    func testPagesFollowedWithAfterListEveryCaseOnceNewestFirst() throws {
        var opened: [String] = []
        for n in 0..<5 { opened.append(try ManualCase.open(handrail, subject: "user\(n)@example.com").id) }
        let all = try handrail.run(["case", "list"])
        XCTAssertEqual(all.status, 0, "\(all)")
        XCTAssertEqual(Set(ids(all)), Set(opened))
        XCTAssertFalse(all.err.contains("More cases follow"), "one page holds them all: \(all)")

        var walked: [String] = []
        var arguments = ["case", "list", "--limit", "2"]
        for _ in 0..<5 {
            let page = try handrail.run(arguments)
            XCTAssertEqual(page.status, 0, "\(page)")
            walked += ids(page)
            guard let next = page.err.split(separator: "\n").first(where: { $0.hasPrefix("More cases follow: handrail ") }) else { break }
            arguments = next.dropFirst("More cases follow: handrail ".count).split(separator: " ").map(String.init)
            XCTAssertEqual(arguments.suffix(4), ["--limit", "2", "--after", walked.last!])
        }
        XCTAssertEqual(walked, ids(all), "the pages, one after another, are the whole list in its order")

        let json = try handrail.run(["case", "list", "--limit", "1", "--json"])
        XCTAssertEqual(json.status, 0, "\(json)")
        XCTAssertTrue(json.err.contains("--after \(ids(all)[0])"), "\(json)")
    }

    func testALimitThatIsNotAPageSizeOrAnUnknownAfterCaseIsAUsageError() throws {
        _ = try ManualCase.open(handrail, subject: "sam@example.com")
        for limit in ["0", "-3", "ten", "10001", "\u{1B}[2J"] {
            let run = try handrail.run(["case", "list", "--limit", limit])
            XCTAssertEqual(run.status, 2, "\(limit): \(run)")
            XCTAssertTrue(run.err.contains("--limit takes a number of cases from 1 to 10000"), "\(run)")
            XCTAssertEqual(run.out, "", "nothing listed")
            XCTAssertTrue(RawControls.find(in: run.stderr, allowCarriageReturn: false).isEmpty, "\(run)")
        }
        let unknown = try handrail.run(["case", "list", "--after", "HR-NOSUCH1"])
        XCTAssertEqual(unknown.status, 2, "\(unknown)")
        XCTAssertEqual(unknown.out, "")
    }
}
