import Hashing

/// The forward-evolving anchor key: K(i+1) = SHA-256(label ‖ K(i)). Checkpoint `i` is signed
/// under K(i) and the key is evolved (and K(i) overwritten) as soon as it is signed, so the
/// machine only ever holds the key of the next epoch: a key stolen today signs only today's
/// and later checkpoints, never one for an epoch that has passed. The auditor keeps K(0)
/// offline and derives every epoch's key from it.
public enum AnchorKey {
    public static let byteCount = 32
    static let label = Array("handrail anchor key evolution v1".utf8)

    public static func next(_ key: [UInt8]) -> [UInt8] {
        SHA256.hash(label + key)
    }

    /// K(epoch), from K(0).
    public static func derive(from k0: [UInt8], epoch: UInt64) -> [UInt8] {
        var key = k0
        var i: UInt64 = 0
        while i < epoch {
            key = next(key)
            i += 1
        }
        return key
    }
}
