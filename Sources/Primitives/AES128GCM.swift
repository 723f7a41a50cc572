// AES-128-GCM (FIPS 197, NIST SP 800-38D with 96-bit nonces and 128-bit tags), standard library
// only, constant time: no table is indexed by, and no branch depends on, key, data or tag bytes.
//
// AES: the 16-byte state is bitsliced into eight 16-bit planes and SubBytes is the Boyar–Peralta
// circuit (XOR/AND/XNOR gates) evaluated on all 16 bytes at once; the key schedule's SubWord uses
// the same circuit. GHASH: a bit-serial carry-less multiply in GF(2^128) (128 iterations, masked
// conditional XOR and masked reduction, no table). open() compares tags by accumulating XORs and
// decrypts only after the tag verifies.

/// AES-128-GCM authenticated encryption (NIST SP 800-38D): 16-byte keys, 12-byte nonces
/// (J0 = nonce || 0^31 || 1), 16-byte tags.
package enum AES128GCM {
    package static let keySize = 16, nonceSize = 12, tagSize = 16

    /// The longest plaintext SP 800-38D allows: 2^39 − 256 bits, i.e. 2^32 − 2 counter blocks.
    static let maxPlaintextSize: UInt64 = (1 << 36) - 32

    /// ciphertext || tag; nil if key or nonce has the wrong size (or the plaintext is longer than
    /// SP 800-38D allows, 2^36 − 32 bytes).
    package static func seal(key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        guard nonce.count == nonceSize,
              UInt64(truncatingIfNeeded: plaintext.count) <= maxPlaintextSize,
              let cipher = AES128(key: key) else { return nil }
        let context = Context(cipher: cipher, nonce: nonce)
        var out = context.ctr(plaintext, count: plaintext.count, extraCapacity: tagSize)
        let tag = context.tag(aad: aad, ciphertext: out, count: out.count)
        out.append(contentsOf: tag)
        return out
    }

    /// The plaintext; throws when the tag does not verify (or sizes are wrong).
    package static func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertextAndTag: [UInt8]) throws(AEADError) -> [UInt8] {
        guard nonce.count == nonceSize, ciphertextAndTag.count >= tagSize else { throw .authenticationFailure }
        let n = ciphertextAndTag.count - tagSize
        guard UInt64(truncatingIfNeeded: n) <= maxPlaintextSize,
              let cipher = AES128(key: key) else { throw .authenticationFailure }
        let context = Context(cipher: cipher, nonce: nonce)
        let expected = context.tag(aad: aad, ciphertext: ciphertextAndTag, count: n)
        var diff: UInt8 = 0
        for i in 0..<tagSize {
            diff |= expected[i] ^ ciphertextAndTag[n + i]
        }
        guard diff == 0 else { throw .authenticationFailure }
        return context.ctr(ciphertextAndTag, count: n, extraCapacity: 0)
    }

    /// One key and nonce: counter blocks, the GHASH key H and the tag.
    private struct Context {
        let cipher: AES128
        /// Nonce bytes 0..<8 and 8..<12 as little-endian words (the cipher's block layout).
        let nonceLo: UInt64, nonceHi: UInt64
        /// H = E(K, 0^128), big-endian halves.
        let h: (hi: UInt64, lo: UInt64)

        init(cipher: AES128, nonce: [UInt8]) {
            self.cipher = cipher
            var lo: UInt64 = 0
            for i in 0..<8 { lo |= UInt64(nonce[i]) &<< UInt64(8 * i) }
            var hi: UInt64 = 0
            for i in 0..<4 { hi |= UInt64(nonce[8 + i]) &<< UInt64(8 * i) }
            nonceLo = lo
            nonceHi = hi
            let e = cipher.encrypt(lo: 0, hi: 0)
            h = (e.lo.byteSwapped, e.hi.byteSwapped)
        }

        /// E(K, nonce || counter), counter big-endian in bytes 12..<16; little-endian words.
        @inline(__always)
        func keystream(_ counter: UInt32) -> (lo: UInt64, hi: UInt64) {
            cipher.encrypt(lo: nonceLo, hi: nonceHi | (UInt64(counter.byteSwapped) &<< 32))
        }

        /// GCTR from inc32(J0) (counter 2) over input[0..<count].
        func ctr(_ input: [UInt8], count: Int, extraCapacity: Int) -> [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(count + extraCapacity)
            var counter: UInt32 = 2
            var i = 0
            while i + 16 <= count {
                let k = keystream(counter)
                counter &+= 1
                let a = AES128GCM.load64LE(input, i) ^ k.lo
                let b = AES128GCM.load64LE(input, i + 8) ^ k.hi
                AES128GCM.append64LE(&out, a)
                AES128GCM.append64LE(&out, b)
                i += 16
            }
            if i < count {
                let k = keystream(counter)
                for j in 0..<(count - i) {
                    let word = j < 8 ? k.lo : k.hi
                    out.append(input[i + j] ^ UInt8(truncatingIfNeeded: word &>> UInt64(8 * (j & 7))))
                }
            }
            return out
        }

        /// T = GHASH_H(A || pad || C || pad || [len(A)]64 || [len(C)]64) XOR E(K, J0).
        func tag(aad: [UInt8], ciphertext: [UInt8], count: Int) -> [UInt8] {
            var g = GHash(h: h)
            g.absorb(aad, count: aad.count)
            g.absorb(ciphertext, count: count)
            g.block(hi: UInt64(truncatingIfNeeded: aad.count) &* 8, lo: UInt64(truncatingIfNeeded: count) &* 8)
            let e = keystream(1)
            var out = [UInt8]()
            out.reserveCapacity(16)
            AES128GCM.append64LE(&out, (g.y.hi ^ e.lo.byteSwapped).byteSwapped)
            AES128GCM.append64LE(&out, (g.y.lo ^ e.hi.byteSwapped).byteSwapped)
            return out
        }
    }

    /// GHASH (SP 800-38D, 6.4) with the bit-serial multiply of Algorithm 1, made constant time.
    /// Blocks are two big-endian 64-bit halves; bit 0 of a block is the top bit of `hi`.
    private struct GHash {
        let h: (hi: UInt64, lo: UInt64)
        var y: (hi: UInt64, lo: UInt64) = (0, 0)

        init(h: (hi: UInt64, lo: UInt64)) { self.h = h }

        /// Y = (Y XOR X) * H.
        @inline(__always)
        mutating func block(hi: UInt64, lo: UInt64) {
            y = GHash.multiply(y.hi ^ hi, y.lo ^ lo, h)
        }

        /// Absorbs bytes[0..<count], zero-padding the last partial block.
        mutating func absorb(_ bytes: [UInt8], count: Int) {
            var i = 0
            while i + 16 <= count {
                block(hi: AES128GCM.load64LE(bytes, i).byteSwapped, lo: AES128GCM.load64LE(bytes, i + 8).byteSwapped)
                i += 16
            }
            if i < count {
                var hi: UInt64 = 0, lo: UInt64 = 0
                for j in 0..<(count - i) {
                    let v = UInt64(bytes[i + j])
                    if j < 8 {
                        hi |= v &<< UInt64(56 - 8 * j)
                    } else {
                        lo |= v &<< UInt64(56 - 8 * (j - 8))
                    }
                }
                block(hi: hi, lo: lo)
            }
        }

        /// X * Y in GF(2^128) (GCM bit order): for each bit of X, Z ^= V under a mask; then
        /// V = V >> 1, reduced by R = 0xE1 || 0^120 under a mask of V's last bit.
        @inline(__always)
        static func multiply(_ xHi: UInt64, _ xLo: UInt64, _ v0: (hi: UInt64, lo: UInt64)) -> (hi: UInt64, lo: UInt64) {
            var z: (hi: UInt64, lo: UInt64) = (0, 0)
            var v = v0
            step(xHi, &z, &v)
            step(xLo, &z, &v)
            return z
        }

        /// 64 rounds of the multiply, over the bits of `x` from the top one down.
        @inline(__always)
        static func step(_ x: UInt64, _ z: inout (hi: UInt64, lo: UInt64), _ v: inout (hi: UInt64, lo: UInt64)) {
            var x = x
            var zHi = z.hi, zLo = z.lo, vHi = v.hi, vLo = v.lo
            for _ in 0..<64 {
                let m = 0 &- (x &>> 63)
                zHi ^= vHi & m
                zLo ^= vLo & m
                let r = 0 &- (vLo & 1)
                vLo = (vLo &>> 1) | (vHi &<< 63)
                vHi = (vHi &>> 1) ^ (0xE100_0000_0000_0000 & r)
                x = x &<< 1
            }
            z = (zHi, zLo)
            v = (vHi, vLo)
        }
    }

    @inline(__always)
    static func load64LE(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) &<< UInt64(8 * i) }
        return v
    }

    @inline(__always)
    static func append64LE(_ out: inout [UInt8], _ v: UInt64) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v &>> UInt64(8 * i))) }
    }
}

/// AES-128 encryption (FIPS 197), constant time.
///
/// The state is bitsliced: eight 16-bit planes, plane `b` holding bit `b` of every state byte,
/// with bit `j` of a plane for block byte `j` (row `j % 4`, column `j / 4`). SubBytes is the
/// Boyar–Peralta circuit on the planes, ShiftRows and MixColumns fixed shifts and masks, so
/// nothing is looked up by, and nothing branches on, key or data.
struct AES128: Sendable {
    static let keySize = 16, blockSize = 16

    /// Round keys 0...10, bitsliced.
    private let roundKeys: [Planes]

    /// nil unless `key` has 16 bytes.
    init?(key: [UInt8]) {
        guard key.count == AES128.keySize else { return nil }
        // Key expansion (FIPS 197, 5.2) on little-endian words: byte 0 of a word in its low bits.
        var w = [UInt32](repeating: 0, count: 44)
        for i in 0..<4 {
            for j in 0..<4 { w[i] |= UInt32(key[4 * i + j]) &<< UInt32(8 * j) }
        }
        var rcon: UInt32 = 1
        for i in 4..<44 {
            var t = w[i - 1]
            if i & 3 == 0 {  // depends on the public index only
                t = AES128.subWord((t &>> 8) | (t &<< 24)) ^ rcon
                rcon = ((rcon &<< 1) ^ (0x11B & (0 &- (rcon &>> 7)))) & 0xFF
            }
            w[i] = w[i - 4] ^ t
        }
        var keys = [Planes]()
        keys.reserveCapacity(11)
        for r in 0..<11 {
            let lo = UInt64(w[4 * r]) | (UInt64(w[4 * r + 1]) &<< 32)
            let hi = UInt64(w[4 * r + 2]) | (UInt64(w[4 * r + 3]) &<< 32)
            keys.append(Planes(lo: lo, hi: hi))
        }
        roundKeys = keys
    }

    /// Encrypts one 16-byte block; nil if `block` is not 16 bytes.
    func encrypt(_ block: [UInt8]) -> [UInt8]? {
        guard block.count == AES128.blockSize else { return nil }
        var lo: UInt64 = 0, hi: UInt64 = 0
        for i in 0..<8 {
            lo |= UInt64(block[i]) &<< UInt64(8 * i)
            hi |= UInt64(block[8 + i]) &<< UInt64(8 * i)
        }
        let c = encrypt(lo: lo, hi: hi)
        var out = [UInt8]()
        out.reserveCapacity(16)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: c.lo &>> UInt64(8 * i))) }
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: c.hi &>> UInt64(8 * i))) }
        return out
    }

    /// Encrypts the block whose bytes 0..<8 and 8..<16 are the little-endian words `lo`, `hi`.
    @inline(__always)
    func encrypt(lo: UInt64, hi: UInt64) -> (lo: UInt64, hi: UInt64) {
        var s = Planes(lo: lo, hi: hi)
        s.addRoundKey(roundKeys[0])
        for r in 1..<10 {
            s.subBytes()
            s.shiftRows()
            s.mixColumns()
            s.addRoundKey(roundKeys[r])
        }
        s.subBytes()
        s.shiftRows()
        s.addRoundKey(roundKeys[10])
        return s.words
    }

    /// SubWord on a little-endian word, through the same bitsliced S-box.
    static func subWord(_ x: UInt32) -> UInt32 {
        var s = Planes(lo: UInt64(x), hi: 0)
        s.subBytes()
        return UInt32(truncatingIfNeeded: s.words.lo)
    }
}

/// A bitsliced AES state: `p[b]` bit `j` = bit `b` of state byte `j`.
private struct Planes: Sendable {
    var p0: UInt16, p1: UInt16, p2: UInt16, p3: UInt16
    var p4: UInt16, p5: UInt16, p6: UInt16, p7: UInt16

    /// Transposes an 8x8 bit matrix (byte i, bit j) <-> (byte j, bit i).
    @inline(__always)
    static func transpose(_ x: UInt64) -> UInt64 {
        var x = x
        var t = (x ^ (x &>> 7)) & 0x00AA_00AA_00AA_00AA
        x ^= t ^ (t &<< 7)
        t = (x ^ (x &>> 14)) & 0x0000_CCCC_0000_CCCC
        x ^= t ^ (t &<< 14)
        t = (x ^ (x &>> 28)) & 0x0000_0000_F0F0_F0F0
        x ^= t ^ (t &<< 28)
        return x
    }

    @inline(__always)
    static func plane(_ a: UInt64, _ b: UInt64, _ k: UInt64) -> UInt16 {
        let l = UInt16(truncatingIfNeeded: a &>> (8 * k)) & 0xFF
        let h = UInt16(truncatingIfNeeded: b &>> (8 * k)) & 0xFF
        return l | (h &<< 8)
    }

    /// From block bytes 0..<8 and 8..<16 as little-endian words.
    @inline(__always)
    init(lo: UInt64, hi: UInt64) {
        let a = Planes.transpose(lo), b = Planes.transpose(hi)
        p0 = Planes.plane(a, b, 0)
        p1 = Planes.plane(a, b, 1)
        p2 = Planes.plane(a, b, 2)
        p3 = Planes.plane(a, b, 3)
        p4 = Planes.plane(a, b, 4)
        p5 = Planes.plane(a, b, 5)
        p6 = Planes.plane(a, b, 6)
        p7 = Planes.plane(a, b, 7)
    }

    /// Back to block bytes 0..<8 and 8..<16 as little-endian words.
    var words: (lo: UInt64, hi: UInt64) {
        @inline(__always) get {
            var a = UInt64(p0 & 0xFF)
            a |= UInt64(p1 & 0xFF) &<< 8
            a |= UInt64(p2 & 0xFF) &<< 16
            a |= UInt64(p3 & 0xFF) &<< 24
            a |= UInt64(p4 & 0xFF) &<< 32
            a |= UInt64(p5 & 0xFF) &<< 40
            a |= UInt64(p6 & 0xFF) &<< 48
            a |= UInt64(p7 & 0xFF) &<< 56
            var b = UInt64(p0 &>> 8)
            b |= UInt64(p1 &>> 8) &<< 8
            b |= UInt64(p2 &>> 8) &<< 16
            b |= UInt64(p3 &>> 8) &<< 24
            b |= UInt64(p4 &>> 8) &<< 32
            b |= UInt64(p5 &>> 8) &<< 40
            b |= UInt64(p6 &>> 8) &<< 48
            b |= UInt64(p7 &>> 8) &<< 56
            return (Planes.transpose(a), Planes.transpose(b))
        }
    }

    @inline(__always)
    mutating func addRoundKey(_ k: Planes) {
        p0 ^= k.p0; p1 ^= k.p1; p2 ^= k.p2; p3 ^= k.p3
        p4 ^= k.p4; p5 ^= k.p5; p6 ^= k.p6; p7 ^= k.p7
    }

    /// The AES S-box on all 16 bytes: Boyar and Peralta's circuit ("A depth-16 circuit for the
    /// AES S-box", 2011), 32 AND and 83 XOR/XNOR gates. x0 is the top bit, x7 the bottom one.
    @inline(__always)
    mutating func subBytes() {
        let x0 = p7, x1 = p6, x2 = p5, x3 = p4, x4 = p3, x5 = p2, x6 = p1, x7 = p0

        // Top linear transformation.
        let y14 = x3 ^ x5
        let y13 = x0 ^ x6
        let y9 = x0 ^ x3
        let y8 = x0 ^ x5
        let t0 = x1 ^ x2
        let y1 = t0 ^ x7
        let y4 = y1 ^ x3
        let y12 = y13 ^ y14
        let y2 = y1 ^ x0
        let y5 = y1 ^ x6
        let y3 = y5 ^ y8
        let t1 = x4 ^ y12
        let y15 = t1 ^ x5
        let y20 = t1 ^ x1
        let y6 = y15 ^ x7
        let y10 = y15 ^ t0
        let y11 = y20 ^ y9
        let y7 = x7 ^ y11
        let y17 = y10 ^ y11
        let y19 = y10 ^ y8
        let y16 = t0 ^ y11
        let y21 = y13 ^ y16
        let y18 = x0 ^ y16

        // Non-linear section.
        let t2 = y12 & y15
        let t3 = y3 & y6
        let t4 = t3 ^ t2
        let t5 = y4 & x7
        let t6 = t5 ^ t2
        let t7 = y13 & y16
        let t8 = y5 & y1
        let t9 = t8 ^ t7
        let t10 = y2 & y7
        let t11 = t10 ^ t7
        let t12 = y9 & y11
        let t13 = y14 & y17
        let t14 = t13 ^ t12
        let t15 = y8 & y10
        let t16 = t15 ^ t12
        let t17 = t4 ^ t14
        let t18 = t6 ^ t16
        let t19 = t9 ^ t14
        let t20 = t11 ^ t16
        let t21 = t17 ^ y20
        let t22 = t18 ^ y19
        let t23 = t19 ^ y21
        let t24 = t20 ^ y18

        let t25 = t21 ^ t22
        let t26 = t21 & t23
        let t27 = t24 ^ t26
        let t28 = t25 & t27
        let t29 = t28 ^ t22
        let t30 = t23 ^ t24
        let t31 = t22 ^ t26
        let t32 = t31 & t30
        let t33 = t32 ^ t24
        let t34 = t23 ^ t33
        let t35 = t27 ^ t33
        let t36 = t24 & t35
        let t37 = t36 ^ t34
        let t38 = t27 ^ t36
        let t39 = t29 & t38
        let t40 = t25 ^ t39

        let t41 = t40 ^ t37
        let t42 = t29 ^ t33
        let t43 = t29 ^ t40
        let t44 = t33 ^ t37
        let t45 = t42 ^ t41
        let z0 = t44 & y15
        let z1 = t37 & y6
        let z2 = t33 & x7
        let z3 = t43 & y16
        let z4 = t40 & y1
        let z5 = t29 & y7
        let z6 = t42 & y11
        let z7 = t45 & y17
        let z8 = t41 & y10
        let z9 = t44 & y12
        let z10 = t37 & y3
        let z11 = t33 & y4
        let z12 = t43 & y13
        let z13 = t40 & y5
        let z14 = t29 & y2
        let z15 = t42 & y9
        let z16 = t45 & y14
        let z17 = t41 & y8

        // Bottom linear transformation.
        let t46 = z15 ^ z16
        let t47 = z10 ^ z11
        let t48 = z5 ^ z13
        let t49 = z9 ^ z10
        let t50 = z2 ^ z12
        let t51 = z2 ^ z5
        let t52 = z7 ^ z8
        let t53 = z0 ^ z3
        let t54 = z6 ^ z7
        let t55 = z16 ^ z17
        let t56 = z12 ^ t48
        let t57 = t50 ^ t53
        let t58 = z4 ^ t46
        let t59 = z3 ^ t54
        let t60 = t46 ^ t57
        let t61 = z14 ^ t57
        let t62 = t52 ^ t58
        let t63 = t49 ^ t58
        let t64 = z4 ^ t59
        let t65 = t61 ^ t62
        let t66 = z1 ^ t63
        let s0 = t59 ^ t63
        let s6 = t56 ^ ~t62
        let s7 = t48 ^ ~t60
        let t67 = t64 ^ t65
        let s3 = t53 ^ t66
        let s4 = t51 ^ t66
        let s5 = t47 ^ t65
        let s1 = t64 ^ ~s3
        let s2 = t55 ^ ~t67

        p7 = s0; p6 = s1; p5 = s2; p4 = s3
        p3 = s4; p2 = s5; p1 = s6; p0 = s7
    }

    /// Row r (bits r, r+4, r+8, r+12 of a plane) rotates left by r columns: right by 4r bits.
    @inline(__always)
    static func shiftRows(_ x: UInt16) -> UInt16 {
        let r1 = x & 0x2222, r2 = x & 0x4444, r3 = x & 0x8888
        return (x & 0x1111)
            | (r1 &>> 4) | (r1 &<< 12)
            | (r2 &>> 8) | (r2 &<< 8)
            | (r3 &>> 12) | (r3 &<< 4)
    }

    @inline(__always)
    mutating func shiftRows() {
        p0 = Planes.shiftRows(p0); p1 = Planes.shiftRows(p1)
        p2 = Planes.shiftRows(p2); p3 = Planes.shiftRows(p3)
        p4 = Planes.shiftRows(p4); p5 = Planes.shiftRows(p5)
        p6 = Planes.shiftRows(p6); p7 = Planes.shiftRows(p7)
    }

    /// Within each column (a nibble): row r takes row r+1's bit.
    @inline(__always)
    static func rot1(_ x: UInt16) -> UInt16 { ((x &>> 1) & 0x7777) | ((x &<< 3) & 0x8888) }

    /// Within each column: row r takes row r+2's bit.
    @inline(__always)
    static func rot2(_ x: UInt16) -> UInt16 { ((x &>> 2) & 0x3333) | ((x &<< 2) & 0xCCCC) }

    /// b_r = 2 a_r + 3 a_{r+1} + a_{r+2} + a_{r+3} = 2 t_r + a_{r+1} + t_{r+2}, t = a + rot1(a).
    @inline(__always)
    mutating func mixColumns() {
        let r0 = Planes.rot1(p0), r1 = Planes.rot1(p1), r2 = Planes.rot1(p2), r3 = Planes.rot1(p3)
        let r4 = Planes.rot1(p4), r5 = Planes.rot1(p5), r6 = Planes.rot1(p6), r7 = Planes.rot1(p7)
        let t0 = p0 ^ r0, t1 = p1 ^ r1, t2 = p2 ^ r2, t3 = p3 ^ r3
        let t4 = p4 ^ r4, t5 = p5 ^ r5, t6 = p6 ^ r6, t7 = p7 ^ r7
        // xtime(t): shift up one plane, reduce by x^8 = x^4 + x^3 + x + 1.
        p0 = t7 ^ r0 ^ Planes.rot2(t0)
        p1 = t0 ^ t7 ^ r1 ^ Planes.rot2(t1)
        p2 = t1 ^ r2 ^ Planes.rot2(t2)
        p3 = t2 ^ t7 ^ r3 ^ Planes.rot2(t3)
        p4 = t3 ^ t7 ^ r4 ^ Planes.rot2(t4)
        p5 = t4 ^ r5 ^ Planes.rot2(t5)
        p6 = t5 ^ r6 ^ Planes.rot2(t6)
        p7 = t6 ^ r7 ^ Planes.rot2(t7)
    }
}

/// An AEAD open that failed: the tag does not verify, or a size is wrong. One case on purpose:
/// which check failed is not said.
package enum AEADError: Error, Equatable, Sendable {
    case authenticationFailure
}
