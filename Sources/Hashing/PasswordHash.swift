import Foundation

/// Salted, slow hashes for the directory's secrets (passwords, backup codes):
/// PBKDF2-HMAC-SHA256 (RFC 8018) encoded as `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex).
/// Only these are stored; the secrets themselves are shown once and forgotten.
public enum PasswordHash {
    /// Work per guess for an attacker holding the directory file.
    public static let defaultIterations = 20_000

    public static func make(_ secret: String, salt: [UInt8], iterations: Int = defaultIterations) -> String {
        let derived = pbkdf2(password: Array(secret.utf8), salt: salt, iterations: iterations, length: 32)
        return "pbkdf2-sha256$\(iterations)$\(salt.hexString)$\(derived.hexString)"
    }

    /// Whether `secret` matches `encoded`, compared in constant time.
    public static func verify(_ secret: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              let salt = bytes(fromHex: parts[2]), let expected = bytes(fromHex: parts[3]) else { return false }
        let derived = pbkdf2(password: Array(secret.utf8), salt: salt, iterations: iterations, length: expected.count)
        return derived.count == expected.count && zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// HMAC-SHA256 of `message` under `key` (RFC 2104); see `HMACSHA256`.
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticate(message)
    }

    /// PBKDF2 with HMAC-SHA256 as its pseudorandom function (RFC 8018, section 5.2): `length`
    /// bytes derived from `password` and `salt` in `iterations` rounds. Each block is
    /// U1 = PRF(P, S ‖ INT(i)), Uj = PRF(P, Uj-1), T = U1 ⊕ … ⊕ Uc; the key's padded blocks are
    /// hashed once for all rounds, since the password is the HMAC key throughout.
    public static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        let mac = HMACSHA256(key: password)
        var out: [UInt8] = []
        var block: UInt32 = 1
        while out.count < length {
            var u = mac.authenticate(salt + withUnsafeBytes(of: block.bigEndian, Array.init))
            var t = u
            for _ in 1..<max(1, iterations) {
                u = mac.authenticate(u)
                for i in 0..<t.count { t[i] ^= u[i] }
            }
            out += t
            block += 1
        }
        return Array(out.prefix(length))
    }

    static func bytes(fromHex hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}
