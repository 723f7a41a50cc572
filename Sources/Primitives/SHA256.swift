/// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869), standard library only.
///
/// Written from the specifications and checked against their published vectors (NIST's
/// examples, RFC 4231, RFC 5869, Wycheproof's `hmac_sha256` and `hkdf_sha256`). The compression
/// function has no branch or table index that depends on the data (the round constants are
/// indexed by the round number only). Used for the LDP secret's key derivation, the privacy
/// ledger's file identities, and by HPKE.
package struct SHA256: Sendable {
    package static let digestBytes = 32
    package static let blockBytes = 64

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    package init() { buffer.reserveCapacity(SHA256.blockBytes) }

    static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    package mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update($0) }) { return done }
        update(Array(bytes))
    }

    /// Hashes whole blocks straight from `bytes` (no copy into the buffer), the rest buffered.
    package mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !buffer.isEmpty {
            let take = min(SHA256.blockBytes - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<take])
            start = take
            if buffer.count == SHA256.blockBytes {
                let block = buffer
                block.withUnsafeBufferPointer { compress($0) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while bytes.count - start >= SHA256.blockBytes {
            compress(UnsafeBufferPointer(rebasing: bytes[start..<(start + SHA256.blockBytes)]))
            start += SHA256.blockBytes
        }
        if start < bytes.count { buffer.append(contentsOf: bytes[start...]) }
    }

    package mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        let padded = (buffer.count + 1 + 8 + 63) / 64 * 64
        tail += [UInt8](repeating: 0, count: padded - buffer.count - 1 - 8)
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        let savedLength = length
        update(tail)
        length = savedLength
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in words { out += [UInt8(w >> 24), UInt8((w >> 16) & 0xff), UInt8((w >> 8) & 0xff), UInt8(w & 0xff)] }
        return out
    }

    package static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    @inline(__always) static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private mutating func compress(_ block: UnsafeBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            let base = 0
            for i in 0..<16 {
                w[i] = UInt32(block[base + 4 * i]) << 24 | UInt32(block[base + 4 * i + 1]) << 16
                    | UInt32(block[base + 4 * i + 2]) << 8 | UInt32(block[base + 4 * i + 3])
            }
            for i in 16..<64 {
                let s0 = SHA256.rotr(w[i - 15], 7) ^ SHA256.rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = SHA256.rotr(w[i - 2], 17) ^ SHA256.rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            SHA256.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = SHA256.rotr(e, 6) ^ SHA256.rotr(e, 11) ^ SHA256.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = SHA256.rotr(a, 2) ^ SHA256.rotr(a, 13) ^ SHA256.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}

/// HMAC-SHA256 (RFC 2104).
package enum HMACSHA256 {
    package static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Keyed(key: key).mac(message)
    }

    /// A key made ready once: the inner and outer hashes with their padded keys absorbed, so
    /// that each message costs its own blocks and one more (the LDP draws MAC 342 messages
    /// under one key).
    package struct Keyed: Sendable {
        private let inner: SHA256
        private let outer: SHA256

        package init(key: [UInt8]) {
            var k = key.count > SHA256.blockBytes ? SHA256.hash(key) : key
            k += [UInt8](repeating: 0, count: SHA256.blockBytes - k.count)
            var inner = SHA256()
            inner.update(k.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(k.map { $0 ^ 0x5c })
            self.inner = inner
            self.outer = outer
        }

        package func mac(_ message: [UInt8]) -> [UInt8] {
            var i = inner
            i.update(message)
            var o = outer
            o.update(i.finalize())
            return o.finalize()
        }
    }
}

/// HKDF-SHA256 (RFC 5869).
package enum HKDFSHA256 {
    package static func extract(salt: [UInt8], ikm: [UInt8]) -> [UInt8] {
        HMACSHA256.mac(key: salt.isEmpty ? [UInt8](repeating: 0, count: SHA256.digestBytes) : salt, message: ikm)
    }

    /// Nil when `length` is over 255 · 32 bytes, as the RFC requires.
    package static func expand(prk: [UInt8], info: [UInt8], length: Int) -> [UInt8]? {
        guard length >= 0, length <= 255 * SHA256.digestBytes else { return nil }
        var out: [UInt8] = []
        var t: [UInt8] = []
        var counter: UInt8 = 1
        while out.count < length {
            t = HMACSHA256.mac(key: prk, message: t + info + [counter])
            out += t
            counter &+= 1
        }
        return Array(out.prefix(length))
    }

    package static func derive(salt: [UInt8], ikm: [UInt8], info: [UInt8], length: Int) -> [UInt8]? {
        expand(prk: extract(salt: salt, ikm: ikm), info: info, length: length)
    }
}
