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

    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMAC(key: key).authenticate(message)
    }

    public static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        let mac = HMAC(key: password)
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

    /// HMAC-SHA256 (RFC 2104) with the padded key blocks hashed once: each message then costs
    /// two compressions, which is what makes thousands of PBKDF2 iterations affordable.
    struct HMAC {
        private let inner: SHA256
        private let outer: SHA256

        init(key: [UInt8]) {
            var k = key.count > 64 ? SHA256.hash(key) : key
            k += [UInt8](repeating: 0, count: 64 - k.count)
            var inner = SHA256()
            inner.update(k.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(k.map { $0 ^ 0x5c })
            self.inner = inner
            self.outer = outer
        }

        func authenticate(_ message: [UInt8]) -> [UInt8] {
            var i = inner
            i.update(message)
            var o = outer
            o.update(i.finalize())
            return o.finalize()
        }
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
