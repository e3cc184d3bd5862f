/// HMAC-SHA256 (RFC 2104), on the project's own SHA-256: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)),
/// with a key longer than the 64-byte block hashed first and a shorter one padded with zeros.
///
/// The padded key blocks are hashed once, at `init`: each message then costs only the
/// compressions of the message and two more, which is what makes thousands of PBKDF2
/// iterations under one password affordable.
public struct HMACSHA256: Sendable {
    /// SHA-256's block size, B in RFC 2104.
    static let blockByteCount = 64

    private let inner: SHA256
    private let outer: SHA256

    public init(key: [UInt8]) {
        var k = key.count > Self.blockByteCount ? SHA256.hash(key) : key
        k += [UInt8](repeating: 0, count: Self.blockByteCount - k.count)
        var inner = SHA256()
        inner.update(k.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(k.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// The 32-byte authentication code of `message`.
    public func authenticate<C: Collection>(_ message: C) -> [UInt8] where C.Element == UInt8 {
        var i = inner
        i.update(message)
        var o = outer
        o.update(i.finalize())
        return o.finalize()
    }

    /// The authentication code of `message` under `key`, in one call.
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticate(message)
    }
}
