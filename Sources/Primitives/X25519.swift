// X25519 (RFC 7748): Diffie-Hellman on Curve25519, Swift standard library only.
//
// Constant-time design:
//  * Field GF(2^255 - 19) held as 5 unsigned 51-bit limbs (radix 2^51) in UInt64; products are
//    taken with multipliedFullWidth and summed as 128-bit (hi, lo) pairs whose carry bit is
//    computed arithmetically, so no flag-dependent branch is introduced.
//  * All arithmetic uses wrapping operators (&+, &-, &*, &<<, &>>): no overflow traps and no
//    data-dependent branches. Bounds (see comments) guarantee that nothing actually wraps.
//  * Montgomery ladder exactly as RFC 7748 section 5, with a mask-based conditional swap.
//    The scalar array is indexed only by the public loop counter.
//  * Inversion is z^(p-2) by a fixed addition chain (254 squarings, 11 multiplications).
//  * Final reduction to the canonical representative is branch-free.
//
// Limb bounds used below: a "tight" element has every limb < 2^51 + 2^15 (< 2^52); every
// output of mul/square/mulSmall/decode is tight. add/sub outputs (of tight inputs) have
// limbs < 2^53, and mul/square accept limbs < 2^54.

package enum X25519 {
    package static let keySize = 32

    /// RFC 7748 X25519(k, u): k is clamped as the RFC says; u's top bit is masked. Returns nil
    /// when the result is the all-zero value (a low-order point; RFC 9180 DHKEM refuses it).
    package static func scalarMult(_ k: [UInt8], _ u: [UInt8]) -> [UInt8]? {
        guard k.count == keySize, u.count == keySize else { return nil }
        let out = ladder(scalar: k, u: u)
        // Constant-time all-zero test; only the (public) verdict is branched on.
        var acc: UInt8 = 0
        for b in out { acc |= b }
        if acc == 0 { return nil }
        return out
    }

    /// The public key of a private key: scalarMult(k, 9).
    package static func publicKey(_ privateKey: [UInt8]) -> [UInt8]? {
        var base = [UInt8](repeating: 0, count: keySize)
        base[0] = 9
        return scalarMult(privateKey, base)
    }

    // MARK: - Montgomery ladder (RFC 7748 section 5)

    private static func ladder(scalar k: [UInt8], u: [UInt8]) -> [UInt8] {
        // decodeScalar25519: clamp.
        var e = k
        e[0] &= 248
        e[31] &= 127
        e[31] |= 64

        let x1 = Fe.decode(u)           // decodeUCoordinate: top bit masked
        var x2 = Fe.one
        var z2 = Fe.zero
        var x3 = x1
        var z3 = Fe.one
        var swap: UInt64 = 0

        var t = 254
        while t >= 0 {
            // Index depends only on the public counter t.
            let kt = UInt64(truncatingIfNeeded: (e[t &>> 3] &>> UInt8(truncatingIfNeeded: t & 7)) & 1)
            swap ^= kt
            Fe.cswap(swap, &x2, &x3)
            Fe.cswap(swap, &z2, &z3)
            swap = kt

            let a = Fe.add(x2, z2)
            let aa = Fe.square(a)
            let b = Fe.sub(x2, z2)
            let bb = Fe.square(b)
            let eE = Fe.sub(aa, bb)
            let c = Fe.add(x3, z3)
            let d = Fe.sub(x3, z3)
            let da = Fe.mul(d, a)
            let cb = Fe.mul(c, b)
            x3 = Fe.square(Fe.add(da, cb))
            z3 = Fe.mul(x1, Fe.square(Fe.sub(da, cb)))
            x2 = Fe.mul(aa, bb)
            z2 = Fe.mul(eE, Fe.add(aa, Fe.mulSmall(eE, 121665)))
            t -= 1
        }
        Fe.cswap(swap, &x2, &x3)
        Fe.cswap(swap, &z2, &z3)

        return Fe.mul(x2, Fe.invert(z2)).encode()
    }

    // MARK: - Field arithmetic mod 2^255 - 19

    /// 128-bit accumulator (hi:lo) with branch-free carry.
    private struct Wide {
        var hi: UInt64 = 0
        var lo: UInt64 = 0

        @inline(__always)
        mutating func add(_ x: UInt64) {
            let s = lo &+ x
            // carry out of the low word, as an arithmetic bit (no flag branch)
            let c = ((lo & x) | ((lo | x) & ~s)) &>> 63
            lo = s
            hi = hi &+ c
        }

        @inline(__always)
        mutating func mac(_ a: UInt64, _ b: UInt64) {
            let p = a.multipliedFullWidth(by: b)
            let s = lo &+ p.low
            let c = ((lo & p.low) | ((lo | p.low) & ~s)) &>> 63
            lo = s
            hi = hi &+ p.high &+ c
        }

        /// (hi:lo) >> 51, valid while the value is < 2^115.
        @inline(__always)
        var shifted51: UInt64 { (hi &<< 13) | (lo &>> 51) }
    }

    private struct Fe: Sendable {
        var l0: UInt64
        var l1: UInt64
        var l2: UInt64
        var l3: UInt64
        var l4: UInt64

        static let mask: UInt64 = (1 << 51) - 1

        static var zero: Fe { Fe(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0) }
        static var one: Fe { Fe(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0) }

        /// Little-endian 32 bytes -> element; bit 255 is ignored. Non-canonical values (>= p)
        /// are accepted and behave as their residue, as RFC 7748 requires.
        static func decode(_ b: [UInt8]) -> Fe {
            @inline(__always)
            func load64(_ off: Int) -> UInt64 {
                var w: UInt64 = 0
                for i in 0..<8 {
                    w |= UInt64(b[off + i]) &<< UInt64(8 * i)
                }
                return w
            }
            let w0 = load64(0)
            let w1 = load64(8)
            let w2 = load64(16)
            let w3 = load64(24) & 0x7FFF_FFFF_FFFF_FFFF
            return Fe(
                l0: w0 & mask,
                l1: ((w0 &>> 51) | (w1 &<< 13)) & mask,
                l2: ((w1 &>> 38) | (w2 &<< 26)) & mask,
                l3: ((w2 &>> 25) | (w3 &<< 39)) & mask,
                l4: (w3 &>> 12) & mask)
        }

        /// Fully reduce to the canonical representative (branch-free) and write 32 bytes LE.
        func encode() -> [UInt8] {
            var t0 = l0, t1 = l1, t2 = l2, t3 = l3, t4 = l4
            let m = Fe.mask

            @inline(__always)
            func carry() {
                t1 &+= t0 &>> 51; t0 &= m
                t2 &+= t1 &>> 51; t1 &= m
                t3 &+= t2 &>> 51; t2 &= m
                t4 &+= t3 &>> 51; t3 &= m
                t0 &+= 19 &* (t4 &>> 51); t4 &= m
            }
            carry()
            carry()
            // Now 0 <= t < 2^255 + small, limbs carried. Add 19, so that t >= p iff bit 255 set.
            t0 &+= 19
            carry()
            // Value now t + 19 (mod 2^255) in [19, 2^255). Add 2^255 - 19 limb-wise, then drop
            // bit 255: yields t mod p in [0, p).
            t0 &+= (1 << 51) &- 19
            t1 &+= (1 << 51) &- 1
            t2 &+= (1 << 51) &- 1
            t3 &+= (1 << 51) &- 1
            t4 &+= (1 << 51) &- 1
            t1 &+= t0 &>> 51; t0 &= m
            t2 &+= t1 &>> 51; t1 &= m
            t3 &+= t2 &>> 51; t2 &= m
            t4 &+= t3 &>> 51; t3 &= m
            t4 &= m

            let w0 = t0 | (t1 &<< 51)
            let w1 = (t1 &>> 13) | (t2 &<< 38)
            let w2 = (t2 &>> 26) | (t3 &<< 25)
            let w3 = (t3 &>> 39) | (t4 &<< 12)
            var out = [UInt8](repeating: 0, count: 32)
            for i in 0..<8 {
                let s = UInt64(8 * i)
                out[i] = UInt8(truncatingIfNeeded: w0 &>> s)
                out[8 + i] = UInt8(truncatingIfNeeded: w1 &>> s)
                out[16 + i] = UInt8(truncatingIfNeeded: w2 &>> s)
                out[24 + i] = UInt8(truncatingIfNeeded: w3 &>> s)
            }
            return out
        }

        /// Constant-time conditional swap: swaps iff bit == 1 (bit must be 0 or 1).
        @inline(__always)
        static func cswap(_ bit: UInt64, _ a: inout Fe, _ b: inout Fe) {
            let m = 0 &- bit
            var d: UInt64
            d = m & (a.l0 ^ b.l0); a.l0 ^= d; b.l0 ^= d
            d = m & (a.l1 ^ b.l1); a.l1 ^= d; b.l1 ^= d
            d = m & (a.l2 ^ b.l2); a.l2 ^= d; b.l2 ^= d
            d = m & (a.l3 ^ b.l3); a.l3 ^= d; b.l3 ^= d
            d = m & (a.l4 ^ b.l4); a.l4 ^= d; b.l4 ^= d
        }

        /// a + b without carrying (tight inputs -> limbs < 2^53).
        @inline(__always)
        static func add(_ a: Fe, _ b: Fe) -> Fe {
            Fe(l0: a.l0 &+ b.l0, l1: a.l1 &+ b.l1, l2: a.l2 &+ b.l2,
               l3: a.l3 &+ b.l3, l4: a.l4 &+ b.l4)
        }

        /// a + 2p - b without carrying. b must be tight (limbs <= 2^52 - 38); a < 2^52
        /// gives limbs < 2^53.
        @inline(__always)
        static func sub(_ a: Fe, _ b: Fe) -> Fe {
            let p2lo: UInt64 = 0x000F_FFFF_FFFF_FFDA   // 2 * (2^51 - 19)
            let p2hi: UInt64 = 0x000F_FFFF_FFFF_FFFE   // 2 * (2^51 - 1)
            return Fe(l0: (a.l0 &+ p2lo) &- b.l0, l1: (a.l1 &+ p2hi) &- b.l1,
                      l2: (a.l2 &+ p2hi) &- b.l2, l3: (a.l3 &+ p2hi) &- b.l3,
                      l4: (a.l4 &+ p2hi) &- b.l4)
        }

        /// Carry five 128-bit coefficients (each < 2^115) into a tight element.
        @inline(__always)
        static func reduce(_ r0: Wide, _ r1: Wide, _ r2: Wide, _ r3: Wide, _ r4: Wide) -> Fe {
            var r1 = r1, r2 = r2, r3 = r3, r4 = r4
            let o0 = r0.lo & mask
            r1.add(r0.shifted51)
            let o1 = r1.lo & mask
            r2.add(r1.shifted51)
            let o2 = r2.lo & mask
            r3.add(r2.shifted51)
            let o3 = r3.lo & mask
            r4.add(r3.shifted51)
            let o4 = r4.lo & mask
            // 2^255 = 19 (mod p): fold the top carry (< 2^64) back with a full-width product.
            let c = r4.shifted51
            var f = Wide()
            f.mac(c, 19)
            f.add(o0)
            // f < 2^69, so f >> 51 < 2^18.
            return Fe(l0: f.lo & mask, l1: o1 &+ f.shifted51, l2: o2, l3: o3, l4: o4)
        }

        /// a * b mod p. Inputs with limbs < 2^54; output tight.
        @inline(__always)
        static func mul(_ a: Fe, _ b: Fe) -> Fe {
            let b1_19 = b.l1 &* 19, b2_19 = b.l2 &* 19, b3_19 = b.l3 &* 19, b4_19 = b.l4 &* 19
            var r0 = Wide(), r1 = Wide(), r2 = Wide(), r3 = Wide(), r4 = Wide()
            r0.mac(a.l0, b.l0); r0.mac(a.l1, b4_19); r0.mac(a.l2, b3_19); r0.mac(a.l3, b2_19); r0.mac(a.l4, b1_19)
            r1.mac(a.l0, b.l1); r1.mac(a.l1, b.l0); r1.mac(a.l2, b4_19); r1.mac(a.l3, b3_19); r1.mac(a.l4, b2_19)
            r2.mac(a.l0, b.l2); r2.mac(a.l1, b.l1); r2.mac(a.l2, b.l0); r2.mac(a.l3, b4_19); r2.mac(a.l4, b3_19)
            r3.mac(a.l0, b.l3); r3.mac(a.l1, b.l2); r3.mac(a.l2, b.l1); r3.mac(a.l3, b.l0); r3.mac(a.l4, b4_19)
            r4.mac(a.l0, b.l4); r4.mac(a.l1, b.l3); r4.mac(a.l2, b.l2); r4.mac(a.l3, b.l1); r4.mac(a.l4, b.l0)
            return reduce(r0, r1, r2, r3, r4)
        }

        /// a^2 mod p. Input limbs < 2^54; output tight.
        @inline(__always)
        static func square(_ a: Fe) -> Fe {
            let d0 = a.l0 &* 2, d1 = a.l1 &* 2, d2 = a.l2 &* 2, d3 = a.l3 &* 2
            let a3_19 = a.l3 &* 19, a4_19 = a.l4 &* 19
            var r0 = Wide(), r1 = Wide(), r2 = Wide(), r3 = Wide(), r4 = Wide()
            r0.mac(a.l0, a.l0); r0.mac(d1, a4_19); r0.mac(d2, a3_19)
            r1.mac(d0, a.l1); r1.mac(d2, a4_19); r1.mac(a.l3, a3_19)
            r2.mac(d0, a.l2); r2.mac(a.l1, a.l1); r2.mac(d3, a4_19)
            r3.mac(d0, a.l3); r3.mac(d1, a.l2); r3.mac(a.l4, a4_19)
            r4.mac(d0, a.l4); r4.mac(d1, a.l3); r4.mac(a.l2, a.l2)
            return reduce(r0, r1, r2, r3, r4)
        }

        /// a^(2^n) for a public, fixed n >= 1.
        @inline(__always)
        static func square(_ a: Fe, times n: Int) -> Fe {
            var x = a
            for _ in 0..<n { x = square(x) }
            return x
        }

        /// a * s for a small constant s (< 2^20); output tight.
        @inline(__always)
        static func mulSmall(_ a: Fe, _ s: UInt64) -> Fe {
            var r0 = Wide(), r1 = Wide(), r2 = Wide(), r3 = Wide(), r4 = Wide()
            r0.mac(a.l0, s); r1.mac(a.l1, s); r2.mac(a.l2, s); r3.mac(a.l3, s); r4.mac(a.l4, s)
            return reduce(r0, r1, r2, r3, r4)
        }

        /// z^(p-2) = z^(2^255 - 21) by a fixed addition chain (z = 0 gives 0).
        static func invert(_ z: Fe) -> Fe {
            let z2 = square(z)                                  // 2
            let z9 = mul(square(z2, times: 2), z)               // 9
            let z11 = mul(z9, z2)                               // 11
            let z2_5_0 = mul(square(z11), z9)                   // 2^5 - 1
            let z2_10_0 = mul(square(z2_5_0, times: 5), z2_5_0) // 2^10 - 1
            let z2_20_0 = mul(square(z2_10_0, times: 10), z2_10_0)
            let z2_40_0 = mul(square(z2_20_0, times: 20), z2_20_0)
            let z2_50_0 = mul(square(z2_40_0, times: 10), z2_10_0)
            let z2_100_0 = mul(square(z2_50_0, times: 50), z2_50_0)
            let z2_200_0 = mul(square(z2_100_0, times: 100), z2_100_0)
            let z2_250_0 = mul(square(z2_200_0, times: 50), z2_50_0)
            return mul(square(z2_250_0, times: 5), z11)         // 2^255 - 32 + 11 = p - 2
        }
    }
}
