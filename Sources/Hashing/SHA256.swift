import CSHA256

/// SHA-256 (FIPS 180-4), written here because the project takes no packages and the audit
/// chain must not depend on what crypto library a machine happens to have.
///
/// Tuned for `audit verify`, which hashes every event: the compression function works on raw
/// pointers with wrapping arithmetic, and whole blocks are hashed straight from the caller's
/// buffer without copying.
public struct SHA256: Sendable {
    public static let digestByteCount = 32

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes waiting for a full 64-byte block, kept inline so a hasher never allocates.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var totalBytes: UInt64 = 0

    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        let copy = Array(bytes)
        copy.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var base = buffer.baseAddress else { return }
        var count = buffer.count
        totalBytes &+= UInt64(count)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, count)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.advanced(by: offset).copyMemory(from: base, byteCount: take) }
            pendingCount += take
            base += take
            count -= take
            guard pendingCount == 64 else { return }
            var block = pending
            withUnsafeBytes(of: &block) { compress($0.baseAddress!, blocks: 1) }
            pendingCount = 0
        }
        let blocks = count / 64
        if blocks > 0 {
            compress(base, blocks: blocks)
            base += blocks * 64
            count -= blocks * 64
        }
        if count > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: base, byteCount: count) }
            pendingCount = count
        }
    }

    /// The digest; the hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            finalize(into: UnsafeMutableRawBufferPointer(out))
            count = 32
        }
    }

    /// Writes the 32-byte digest into `out` without allocating; the hasher is spent afterwards.
    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        let bitLength = totalBytes &* 8
        // At most two blocks of padding, built on the stack.
        let tailCount = pendingCount < 56 ? 64 : 128
        var tail: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                   UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let pendingCopy = pending, used = pendingCount
        withUnsafeMutableBytes(of: &tail) { t in
            withUnsafeBytes(of: pendingCopy) { t.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: used) }
            t[used] = 0x80
            for i in 0..<8 { t[tailCount - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(i * 8)) }
        }
        withUnsafeBytes(of: &tail) { compress($0.baseAddress!, blocks: tailCount / 64) }
        pendingCount = 0
        let words = state
        withUnsafeBytes(of: words) { raw in
            for i in 0..<8 {
                let word = raw.load(fromByteOffset: i * 4, as: UInt32.self)
                out.storeBytes(of: word.bigEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
    @inline(__always) private static func Σ0(_ x: UInt32) -> UInt32 { rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22) }
    @inline(__always) private static func Σ1(_ x: UInt32) -> UInt32 { rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25) }
    @inline(__always) private static func σ0(_ x: UInt32) -> UInt32 { rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3) }
    @inline(__always) private static func σ1(_ x: UInt32) -> UInt32 { rotr(x, 17) ^ rotr(x, 19) ^ (x &>> 10) }
    @inline(__always) private static func ch(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
    @inline(__always) private static func maj(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (z & (x | y)) }

    /// The compression function over `blocks` consecutive 64-byte blocks. The 64 rounds are
    /// written out (generated, with the round constants inline and the working variables renamed
    /// instead of shifted) and the message schedule lives in sixteen locals: this is what lets
    /// the compiler keep everything in registers.
    /// Whether this machine's CPU has the SHA extensions; decided once per process.
    public static let hardwareAccelerated = handrail_sha256_hardware_available() == 1

    /// Tests set this to exercise the Swift rounds on a machine that has the SHA extensions.
    nonisolated(unsafe) static var forcePortable = false

    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        if Self.hardwareAccelerated && !Self.forcePortable {
            withUnsafeMutableBytes(of: &state) { raw in
                handrail_sha256_compress_hardware(raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                                  data.assumingMemoryBound(to: UInt8.self), blocks)
            }
            return
        }
        compressPortable(data, blocks: blocks)
    }

    private mutating func compressPortable(_ data: UnsafeRawPointer, blocks: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        var block = data
        for _ in 0..<blocks {
            @inline(__always) func word(_ i: Int) -> UInt32 {
                UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
            }
            var w0 = word(0), w1 = word(1), w2 = word(2), w3 = word(3), w4 = word(4), w5 = word(5), w6 = word(6), w7 = word(7)
            var w8 = word(8), w9 = word(9), w10 = word(10), w11 = word(11), w12 = word(12), w13 = word(13), w14 = word(14), w15 = word(15)
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            do {
                let (Σ0, Σ1, σ0, σ1, ch, maj) = (Self.Σ0, Self.Σ1, Self.σ0, Self.σ1, Self.ch, Self.maj)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0x428a2f98 &+ w0; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0x71374491 &+ w1; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0xb5c0fbcf &+ w2; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0xe9b5dba5 &+ w3; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x3956c25b &+ w4; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0x59f111f1 &+ w5; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x923f82a4 &+ w6; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0xab1c5ed5 &+ w7; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0xd807aa98 &+ w8; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0x12835b01 &+ w9; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0x243185be &+ w10; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0x550c7dc3 &+ w11; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x72be5d74 &+ w12; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0x80deb1fe &+ w13; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x9bdc06a7 &+ w14; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0xc19bf174 &+ w15; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w0 = w0 &+ σ0(w1) &+ w9 &+ σ1(w14)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0xe49b69c1 &+ w0; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w1 = w1 &+ σ0(w2) &+ w10 &+ σ1(w15)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0xefbe4786 &+ w1; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w2 = w2 &+ σ0(w3) &+ w11 &+ σ1(w0)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0x0fc19dc6 &+ w2; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w3 = w3 &+ σ0(w4) &+ w12 &+ σ1(w1)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0x240ca1cc &+ w3; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w4 = w4 &+ σ0(w5) &+ w13 &+ σ1(w2)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x2de92c6f &+ w4; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w5 = w5 &+ σ0(w6) &+ w14 &+ σ1(w3)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0x4a7484aa &+ w5; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w6 = w6 &+ σ0(w7) &+ w15 &+ σ1(w4)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x5cb0a9dc &+ w6; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w7 = w7 &+ σ0(w8) &+ w0 &+ σ1(w5)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0x76f988da &+ w7; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w8 = w8 &+ σ0(w9) &+ w1 &+ σ1(w6)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0x983e5152 &+ w8; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w9 = w9 &+ σ0(w10) &+ w2 &+ σ1(w7)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0xa831c66d &+ w9; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w10 = w10 &+ σ0(w11) &+ w3 &+ σ1(w8)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0xb00327c8 &+ w10; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w11 = w11 &+ σ0(w12) &+ w4 &+ σ1(w9)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0xbf597fc7 &+ w11; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w12 = w12 &+ σ0(w13) &+ w5 &+ σ1(w10)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0xc6e00bf3 &+ w12; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w13 = w13 &+ σ0(w14) &+ w6 &+ σ1(w11)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0xd5a79147 &+ w13; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w14 = w14 &+ σ0(w15) &+ w7 &+ σ1(w12)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x06ca6351 &+ w14; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w15 = w15 &+ σ0(w0) &+ w8 &+ σ1(w13)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0x14292967 &+ w15; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w0 = w0 &+ σ0(w1) &+ w9 &+ σ1(w14)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0x27b70a85 &+ w0; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w1 = w1 &+ σ0(w2) &+ w10 &+ σ1(w15)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0x2e1b2138 &+ w1; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w2 = w2 &+ σ0(w3) &+ w11 &+ σ1(w0)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0x4d2c6dfc &+ w2; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w3 = w3 &+ σ0(w4) &+ w12 &+ σ1(w1)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0x53380d13 &+ w3; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w4 = w4 &+ σ0(w5) &+ w13 &+ σ1(w2)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x650a7354 &+ w4; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w5 = w5 &+ σ0(w6) &+ w14 &+ σ1(w3)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0x766a0abb &+ w5; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w6 = w6 &+ σ0(w7) &+ w15 &+ σ1(w4)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x81c2c92e &+ w6; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w7 = w7 &+ σ0(w8) &+ w0 &+ σ1(w5)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0x92722c85 &+ w7; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w8 = w8 &+ σ0(w9) &+ w1 &+ σ1(w6)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0xa2bfe8a1 &+ w8; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w9 = w9 &+ σ0(w10) &+ w2 &+ σ1(w7)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0xa81a664b &+ w9; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w10 = w10 &+ σ0(w11) &+ w3 &+ σ1(w8)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0xc24b8b70 &+ w10; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w11 = w11 &+ σ0(w12) &+ w4 &+ σ1(w9)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0xc76c51a3 &+ w11; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w12 = w12 &+ σ0(w13) &+ w5 &+ σ1(w10)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0xd192e819 &+ w12; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w13 = w13 &+ σ0(w14) &+ w6 &+ σ1(w11)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0xd6990624 &+ w13; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w14 = w14 &+ σ0(w15) &+ w7 &+ σ1(w12)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0xf40e3585 &+ w14; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w15 = w15 &+ σ0(w0) &+ w8 &+ σ1(w13)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0x106aa070 &+ w15; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w0 = w0 &+ σ0(w1) &+ w9 &+ σ1(w14)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0x19a4c116 &+ w0; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w1 = w1 &+ σ0(w2) &+ w10 &+ σ1(w15)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0x1e376c08 &+ w1; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w2 = w2 &+ σ0(w3) &+ w11 &+ σ1(w0)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0x2748774c &+ w2; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w3 = w3 &+ σ0(w4) &+ w12 &+ σ1(w1)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0x34b0bcb5 &+ w3; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w4 = w4 &+ σ0(w5) &+ w13 &+ σ1(w2)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x391c0cb3 &+ w4; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w5 = w5 &+ σ0(w6) &+ w14 &+ σ1(w3)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0x4ed8aa4a &+ w5; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w6 = w6 &+ σ0(w7) &+ w15 &+ σ1(w4)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0x5b9cca4f &+ w6; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w7 = w7 &+ σ0(w8) &+ w0 &+ σ1(w5)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0x682e6ff3 &+ w7; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
                w8 = w8 &+ σ0(w9) &+ w1 &+ σ1(w6)
                h = h &+ Σ1(e) &+ ch(e, f, g) &+ 0x748f82ee &+ w8; d = d &+ h; h = h &+ Σ0(a) &+ maj(a, b, c)
                w9 = w9 &+ σ0(w10) &+ w2 &+ σ1(w7)
                g = g &+ Σ1(d) &+ ch(d, e, f) &+ 0x78a5636f &+ w9; c = c &+ g; g = g &+ Σ0(h) &+ maj(h, a, b)
                w10 = w10 &+ σ0(w11) &+ w3 &+ σ1(w8)
                f = f &+ Σ1(c) &+ ch(c, d, e) &+ 0x84c87814 &+ w10; b = b &+ f; f = f &+ Σ0(g) &+ maj(g, h, a)
                w11 = w11 &+ σ0(w12) &+ w4 &+ σ1(w9)
                e = e &+ Σ1(b) &+ ch(b, c, d) &+ 0x8cc70208 &+ w11; a = a &+ e; e = e &+ Σ0(f) &+ maj(f, g, h)
                w12 = w12 &+ σ0(w13) &+ w5 &+ σ1(w10)
                d = d &+ Σ1(a) &+ ch(a, b, c) &+ 0x90befffa &+ w12; h = h &+ d; d = d &+ Σ0(e) &+ maj(e, f, g)
                w13 = w13 &+ σ0(w14) &+ w6 &+ σ1(w11)
                c = c &+ Σ1(h) &+ ch(h, a, b) &+ 0xa4506ceb &+ w13; g = g &+ c; c = c &+ Σ0(d) &+ maj(d, e, f)
                w14 = w14 &+ σ0(w15) &+ w7 &+ σ1(w12)
                b = b &+ Σ1(g) &+ ch(g, h, a) &+ 0xbef9a3f7 &+ w14; f = f &+ b; b = b &+ Σ0(c) &+ maj(c, d, e)
                w15 = w15 &+ σ0(w0) &+ w8 &+ σ1(w13)
                a = a &+ Σ1(f) &+ ch(f, g, h) &+ 0xc67178f2 &+ w15; e = e &+ a; a = a &+ Σ0(b) &+ maj(b, c, d)
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            block += 64
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal, as `sha256sum` prints digests.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
