// TurboSHAKE128 (RFC 9861). Standard library only.

/// Keccak-p[1600, 12] and TurboSHAKE128 (RFC 9861), absorb then squeeze.
///
/// The sponge has rate 168 bytes (capacity 256 bits). The permutation is the last 12 rounds
/// (round indices 12...23) of Keccak-f[1600]; it has no branches or table look-ups that depend on
/// the state, so secret input (for example a seed) does not steer control flow or memory access.
///
/// Usage: call `absorb(_:)` any number of times, then `squeeze(_:)` any number of times; the
/// squeezed bytes form one continuous stream, the same whatever the sizes of the reads.
/// `absorb(_:)` after the first `squeeze(_:)` is ignored (the message is closed at that point).
package struct TurboShake128: Sendable {
    /// The rate in bytes: 1600 - 256 bits.
    static let rate = 168

    /// The 25 lanes of the state, lane `x + 5y` in little-endian byte order.
    private var lanes: [UInt64]
    /// Position in the current rate block: bytes absorbed so far, or bytes already squeezed.
    private var offset: Int
    private var squeezing: Bool
    private let domain: UInt8

    /// - Parameter domain: the domain separation byte D, which RFC 9861 requires to be in
    ///   0x01...0x7F (0x1F is the RFC's default; the VDAF draft uses 0x01). Other values are
    ///   used as given, and what comes out is then not TurboSHAKE128.
    package init(domain: UInt8) {
        lanes = [UInt64](repeating: 0, count: 25)
        offset = 0
        squeezing = false
        self.domain = domain
    }

    /// Appends `bytes` to the message. May be called several times before squeezing; ignored once
    /// squeezing has begun.
    package mutating func absorb(_ bytes: [UInt8]) {
        if squeezing { return }
        var consumed = 0
        while consumed < bytes.count {
            let take = min(Self.rate - offset, bytes.count - consumed)
            let start = offset
            bytes.withUnsafeBufferPointer { input in
                lanes.withUnsafeMutableBufferPointer { state in
                    for i in 0..<take {
                        let position = start + i
                        state[position &>> 3] ^= UInt64(input[consumed + i]) &<< UInt64((position & 7) &* 8)
                    }
                }
            }
            consumed += take
            offset += take
            if offset == Self.rate {
                Self.permute(&lanes)
                offset = 0
            }
        }
    }

    /// Returns the next `count` bytes of the output stream (none if `count` is not positive).
    /// The first call closes the message (appends D and the pad10*1 padding).
    package mutating func squeeze(_ count: Int) -> [UInt8] {
        if !squeezing { finish() }
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        var produced = 0
        while produced < count {
            if offset == Self.rate {
                Self.permute(&lanes)
                offset = 0
            }
            let take = min(Self.rate - offset, count - produced)
            let start = offset
            let already = produced
            lanes.withUnsafeBufferPointer { state in
                output.withUnsafeMutableBufferPointer { out in
                    for i in 0..<take {
                        let position = start + i
                        out[already + i] = UInt8(truncatingIfNeeded: state[position &>> 3] &>> UInt64((position & 7) &* 8))
                    }
                }
            }
            produced += take
            offset += take
        }
        return output
    }

    /// D after the message, then pad10*1: the last byte of the rate block XOR 0x80; permute.
    private mutating func finish() {
        lanes[offset &>> 3] ^= UInt64(domain) &<< UInt64((offset & 7) &* 8)
        lanes[(Self.rate - 1) &>> 3] ^= UInt64(0x80) &<< 56
        Self.permute(&lanes)
        offset = 0
        squeezing = true
    }

    /// Round constants of Keccak-f[1600] for round indices 12...23 (Keccak-p[1600, 12]).
    private static let roundConstants: [UInt64] = [
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    @inline(__always)
    private static func rotl(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value &<< amount) | (value &>> (64 &- amount))
    }

    /// Keccak-p[1600, 12] on the 25 lanes, in place.
    static func permute(_ state: inout [UInt64]) {
        state.withUnsafeMutableBufferPointer { s in
            var a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4]
            var a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9]
            var a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14]
            var a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19]
            var a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24]
            for rc in roundConstants {
                // θ
                let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
                let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
                let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
                let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
                let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
                let d0 = c4 ^ rotl(c1, 1)
                let d1 = c0 ^ rotl(c2, 1)
                let d2 = c1 ^ rotl(c3, 1)
                let d3 = c2 ^ rotl(c4, 1)
                let d4 = c3 ^ rotl(c0, 1)
                // ρ and π: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y])
                let b0 = a0 ^ d0
                let b1 = rotl(a6 ^ d1, 44)
                let b2 = rotl(a12 ^ d2, 43)
                let b3 = rotl(a18 ^ d3, 21)
                let b4 = rotl(a24 ^ d4, 14)
                let b5 = rotl(a3 ^ d3, 28)
                let b6 = rotl(a9 ^ d4, 20)
                let b7 = rotl(a10 ^ d0, 3)
                let b8 = rotl(a16 ^ d1, 45)
                let b9 = rotl(a22 ^ d2, 61)
                let b10 = rotl(a1 ^ d1, 1)
                let b11 = rotl(a7 ^ d2, 6)
                let b12 = rotl(a13 ^ d3, 25)
                let b13 = rotl(a19 ^ d4, 8)
                let b14 = rotl(a20 ^ d0, 18)
                let b15 = rotl(a4 ^ d4, 27)
                let b16 = rotl(a5 ^ d0, 36)
                let b17 = rotl(a11 ^ d1, 10)
                let b18 = rotl(a17 ^ d2, 15)
                let b19 = rotl(a23 ^ d3, 56)
                let b20 = rotl(a2 ^ d2, 62)
                let b21 = rotl(a8 ^ d3, 55)
                let b22 = rotl(a14 ^ d4, 39)
                let b23 = rotl(a15 ^ d0, 41)
                let b24 = rotl(a21 ^ d1, 2)
                // χ and ι
                a0 = b0 ^ (~b1 & b2) ^ rc
                a1 = b1 ^ (~b2 & b3)
                a2 = b2 ^ (~b3 & b4)
                a3 = b3 ^ (~b4 & b0)
                a4 = b4 ^ (~b0 & b1)
                a5 = b5 ^ (~b6 & b7)
                a6 = b6 ^ (~b7 & b8)
                a7 = b7 ^ (~b8 & b9)
                a8 = b8 ^ (~b9 & b5)
                a9 = b9 ^ (~b5 & b6)
                a10 = b10 ^ (~b11 & b12)
                a11 = b11 ^ (~b12 & b13)
                a12 = b12 ^ (~b13 & b14)
                a13 = b13 ^ (~b14 & b10)
                a14 = b14 ^ (~b10 & b11)
                a15 = b15 ^ (~b16 & b17)
                a16 = b16 ^ (~b17 & b18)
                a17 = b17 ^ (~b18 & b19)
                a18 = b18 ^ (~b19 & b15)
                a19 = b19 ^ (~b15 & b16)
                a20 = b20 ^ (~b21 & b22)
                a21 = b21 ^ (~b22 & b23)
                a22 = b22 ^ (~b23 & b24)
                a23 = b23 ^ (~b24 & b20)
                a24 = b24 ^ (~b20 & b21)
            }
            s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4
            s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9
            s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14
            s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19
            s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24
        }
    }
}
