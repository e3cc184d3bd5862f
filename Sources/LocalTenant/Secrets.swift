/// Secrets the directory hands out once: backup codes and temporary passwords, from the
/// system's secure random source (SystemRandomNumberGenerator reads the kernel's CSPRNG).
enum Secrets {
    /// Crockford base32 without look-alikes: read aloud over a call without confusion.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func randomString(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// "7K2M-9QXA": 8 symbols, about 39 bits, single use and short-lived.
    static func backupCode() -> String {
        let raw = randomString(length: 8)
        return String(raw.prefix(4)) + "-" + String(raw.suffix(4))
    }

    /// "K7QM-2XPA-9RTB-4WHN": 16 symbols, about 78 bits; must be changed at first sign-in.
    static func temporaryPassword() -> String {
        let raw = Array(randomString(length: 16))
        return stride(from: 0, to: 16, by: 4).map { String(raw[$0..<$0 + 4]) }.joined(separator: "-")
    }

    static func salt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Backup codes are typed back with or without the dash, in any case.
    static func normaliseCode(_ typed: String) -> String {
        typed.uppercased().filter { $0 != "-" && $0 != " " }
    }
}
