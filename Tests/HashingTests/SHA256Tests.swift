import Foundation
import HandrailTestSupport
import Hashing
import XCTest

/// The hand-written SHA-256 that the audit chain rests on, checked against the FIPS 180-4
/// examples (NIST CSRC "Cryptographic Standards and Guidelines: Examples with Intermediate
/// Values", SHA-256 one-block, two-block and long messages) and against the system's sha256sum.
final class SHA256MatchesFIPS180Tests: XCTestCase {
    private func digest(_ text: String) -> String { SHA256.hash(Array(text.utf8)).hexString }

    func testEmptyMessage() {
        XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testOneBlockMessageABC() {
        XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTwoBlockMessage448Bits() {
        XCTAssertEqual(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testMessage896Bits() {
        XCTAssertEqual(digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionTimesA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        XCTAssertEqual(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)).hexString, expected)
        // The same, fed in uneven pieces that straddle block boundaries.
        var hasher = SHA256()
        let piece = [UInt8](repeating: 0x61, count: 999)
        var fed = 0
        while fed + piece.count <= 1_000_000 { hasher.update(piece); fed += piece.count }
        hasher.update([UInt8](repeating: 0x61, count: 1_000_000 - fed))
        XCTAssertEqual(hasher.finalize().hexString, expected)
    }

    func testDigestIs32BytesAndHexIsLowerCase() {
        let d = SHA256.hash([UInt8]())
        XCTAssertEqual(d.count, SHA256.digestByteCount)
        XCTAssertEqual([0x00, 0x0f, 0xa0, 0xff].hexString, "000fa0ff")
    }

    // MARK: Incremental updates

    private let message131: [UInt8] = (0..<131).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

    func testTwoPieceUpdatesAtEveryOffsetEqualOneShot() {
        let oneShot = SHA256.hash(message131)
        for split in 0...130 {
            var hasher = SHA256()
            hasher.update(message131[..<split])
            hasher.update(message131[split...])
            XCTAssertEqual(hasher.finalize(), oneShot, "split at \(split)")
        }
    }

    func testByteAtATimeAndThreePieceUpdatesEqualOneShot() {
        let oneShot = SHA256.hash(message131)
        var byByte = SHA256()
        for byte in message131 { byByte.update([byte]) }
        XCTAssertEqual(byByte.finalize(), oneShot)
        for first in stride(from: 0, through: 131, by: 7) {
            for second in stride(from: first, through: 131, by: 13) {
                var hasher = SHA256()
                hasher.update(message131[..<first])
                hasher.update(message131[first..<second])
                hasher.update(message131[second...])
                XCTAssertEqual(hasher.finalize(), oneShot, "splits at \(first), \(second)")
            }
        }
    }

    func testEmptyRawBufferAndNonContiguousCollectionAreHandled() {
        let oneShot = SHA256.hash(message131)
        var hasher = SHA256()
        hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
        hasher.update((0..<131).lazy.map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }) // not contiguous: copied
        hasher.update([UInt8]())
        XCTAssertEqual(hasher.finalize(), oneShot)
    }

    // MARK: Padding edges, against the system's sha256sum

    func testPaddingEdgeLengthsMatchSystemSha256sum() throws {
        let tool = try Requirement.tool("sha256sum", install: "install coreutils (Debian: apt-get install coreutils)")
        // 55: padding fits in the block; 56: length spills into a second block; 63/64/65: around a full block;
        // 119/120/127/128: the same edges one block later.
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129] {
            let message: [UInt8] = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 200) }
            XCTAssertEqual(SHA256.hash(message).hexString, try systemDigest(tool, message), "length \(length)")
        }
    }

    private func systemDigest(_ tool: String, _ message: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(message))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
