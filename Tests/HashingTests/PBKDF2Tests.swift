import Hashing
import XCTest

/// PBKDF2-HMAC-SHA256 (RFC 8018), the directory's password and backup-code hash, against the
/// RFC 6070 test inputs with SHA-256 as the PRF (the published SHA-256 counterparts of
/// RFC 6070's SHA-1 vectors), and the stored form built on it.
final class PBKDF2MatchesKnownAnswersTests: XCTestCase {
    private func derive(_ password: String, _ salt: String, _ iterations: Int, _ length: Int) -> String {
        PasswordHash.pbkdf2(password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, length: length).hexString
    }

    func testOneIteration() {
        XCTAssertEqual(derive("password", "salt", 1, 32), "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
    }

    func testTwoIterations() {
        XCTAssertEqual(derive("password", "salt", 2, 32), "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
    }

    func test4096Iterations() {
        XCTAssertEqual(derive("password", "salt", 4096, 32), "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    }

    /// 40 bytes: more than one 32-byte block, the second cut short.
    func testLongPasswordAndSaltWithTwoBlocksOfOutput() {
        XCTAssertEqual(derive("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40),
                       "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9")
    }

    /// NUL bytes inside the password and salt are data, not terminators.
    func testEmbeddedNULsAndAShortKey() {
        XCTAssertEqual(derive("pass\0word", "sa\0lt", 4096, 16), "89b69d0516f829893c696226650a8687")
    }

    func testStoredFormVerifiesItsSecretOnly() {
        let stored = PasswordHash.make("correct horse", salt: Array("salt".utf8), iterations: 1_000)
        XCTAssertTrue(stored.hasPrefix("pbkdf2-sha256$1000$73616c74$"))
        XCTAssertTrue(PasswordHash.verify("correct horse", against: stored))
        XCTAssertFalse(PasswordHash.verify("correct horse ", against: stored))
        XCTAssertFalse(PasswordHash.verify("correct horse", against: "pbkdf2-sha256$1000$zz$00"))
    }
}
