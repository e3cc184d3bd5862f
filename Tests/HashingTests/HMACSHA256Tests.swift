import Hashing
import XCTest

/// HMAC-SHA256 on the project's own SHA-256, against the test vectors of RFC 4231
/// ("Identifiers and Test Vectors for HMAC-SHA-224, HMAC-SHA-256, HMAC-SHA-384, and
/// HMAC-SHA-512", section 4, test cases 1–7, HMAC-SHA-256 results).
final class HMACSHA256MatchesRFC4231Tests: XCTestCase {
    private func mac(_ key: [UInt8], _ data: [UInt8]) -> String { HMACSHA256.authenticate(key: key, message: data).hexString }

    func testCase1ShortKeyHiThere() {
        XCTAssertEqual(mac([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8)),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    func testCase2KeyShorterThanTheOutput() {
        XCTAssertEqual(mac(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testCase3CombinedLengthOfKeyAndDataAboveBlockSize() {
        XCTAssertEqual(mac([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50)),
                       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    func testCase4TwentyFiveByteKey() {
        XCTAssertEqual(mac(Array(1...25), [UInt8](repeating: 0xcd, count: 50)),
                       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    func testCase5TruncatedTo128Bits() {
        let full = HMACSHA256.authenticate(key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8))
        XCTAssertEqual(Array(full.prefix(16)).hexString, "a3b6167473100ee06e0c796c2955552b")
    }

    func testCase6KeyLargerThanTheBlockIsHashedFirst() {
        XCTAssertEqual(mac([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testCase7KeyAndDataLargerThanTheBlock() {
        let data = "This is a test using a larger than block-size key and a larger than block-size data. "
            + "The key needs to be hashed before being used by the HMAC algorithm."
        XCTAssertEqual(mac([UInt8](repeating: 0xaa, count: 131), Array(data.utf8)),
                       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// One keyed instance authenticates many messages, each as if keyed afresh (PBKDF2 relies on it).
    func testAKeyedInstanceIsReusable() {
        let mac = HMACSHA256(key: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        XCTAssertEqual(mac.authenticate(message), mac.authenticate(message))
        XCTAssertEqual(mac.authenticate(message), PasswordHash.hmac(key: Array("Jefe".utf8), message: message))
    }
}
