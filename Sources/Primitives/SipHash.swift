/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function on byte strings,
/// 64-bit output. Small, fast, with published test vectors (checked in `SipHashAndPoly1305Tests`).
/// Constant time for a given length: add/rotate/xor only, no branch on the key or the message.
///
/// Used with a fixed public key for the catalogue layout's fingerprint, under a per-process key
/// for which plugins a payload that cannot name them all names, and under the ledger's key for
/// the instance ids it stores. (The LDP draws use HMAC-SHA256, not this.)
package enum SipHash24 {
    /// The 64-bit SipHash-2-4 of `message` under the 128-bit key `(k0, k1)` (each read as the
    /// little-endian words of the 16 key bytes).
    package static func hash(key k0: UInt64, _ k1: UInt64, _ message: [UInt8]) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1

        func round() {
            v0 = v0 &+ v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 = v2 &+ v3; v3 = rotl(v3, 16); v3 ^= v2
            v0 = v0 &+ v3; v3 = rotl(v3, 21); v3 ^= v0
            v2 = v2 &+ v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        }

        let whole = message.count / 8 * 8
        var i = 0
        while i < whole {
            var m: UInt64 = 0
            for k in 0..<8 { m |= UInt64(message[i + k]) << (8 * UInt64(k)) }
            v3 ^= m
            round(); round()
            v0 ^= m
            i += 8
        }
        var last = UInt64(truncatingIfNeeded: message.count) << 56
        for k in 0..<(message.count - whole) { last |= UInt64(message[whole + k]) << (8 * UInt64(k)) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    /// The key of 16 bytes, as SipHash reads it.
    package static func key(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        guard bytes.count == 16 else { return nil }
        var k0: UInt64 = 0, k1: UInt64 = 0
        for k in 0..<8 {
            k0 |= UInt64(bytes[k]) << (8 * UInt64(k))
            k1 |= UInt64(bytes[8 + k]) << (8 * UInt64(k))
        }
        return (k0, k1)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
}
