// ChaCha20-Poly1305 AEAD (RFC 8439). Swift standard library only.
//
// Constant time: ChaCha20 is add/rotate/xor on 32-bit words; Poly1305 uses five 26-bit limbs
// (64-bit products, carries by shifts and masks) and a masked final reduction; `open` compares
// the whole 16-byte tag by OR-ing XORs and decrypts only after the tag verifies. No branch or
// table index depends on the key, the plaintext or the tag.

package enum ChaCha20Poly1305 {
    package static let keySize = 32, nonceSize = 12, tagSize = 16

    /// RFC 8439 2.8: the block counter starts at 1 and is 32 bits, so at most 2^32 - 1 blocks.
    static let maxPlaintextSize: UInt64 = ((1 << 32) - 1) * 64

    /// ciphertext || tag; nil if key or nonce has the wrong size (or the plaintext is longer
    /// than RFC 8439 allows, 2^38 - 64 bytes).
    package static func seal(key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize,
              UInt64(plaintext.count) <= maxPlaintextSize else { return nil }
        let cipher = ChaCha20(key: key, nonce: nonce)
        var out = plaintext
        cipher.xorKeyStream(&out, counter: 1)
        let tag = authenticate(cipher, aad: aad, ciphertext: out)
        out.append(contentsOf: tag)
        return out
    }

    /// The plaintext; throws when the tag does not verify (or sizes are wrong).
    package static func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertextAndTag: [UInt8]) throws(AEADError) -> [UInt8] {
        guard key.count == keySize, nonce.count == nonceSize,
              ciphertextAndTag.count >= tagSize,
              UInt64(ciphertextAndTag.count - tagSize) <= maxPlaintextSize else { throw .authenticationFailure }
        let cipher = ChaCha20(key: key, nonce: nonce)
        let split = ciphertextAndTag.count - tagSize
        var body = Array(ciphertextAndTag[..<split])
        let expected = authenticate(cipher, aad: aad, ciphertext: body)
        var diff: UInt8 = 0
        for i in 0..<tagSize {
            diff |= expected[i] ^ ciphertextAndTag[split + i]
        }
        guard diff == 0 else { throw .authenticationFailure }
        cipher.xorKeyStream(&body, counter: 1)
        return body
    }

    /// RFC 8439 2.8: Poly1305 keyed by the first 32 bytes of block 0, over
    /// aad || pad16 || ciphertext || pad16 || le64(aad length) || le64(ciphertext length).
    static func authenticate(_ cipher: ChaCha20, aad: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        let block0 = cipher.block(counter: 0)
        var polyKey = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { storeLE32(block0[i], into: &polyKey, at: 4 * i) }
        var mac = Poly1305(key: polyKey)
        mac.absorb(aad, pad16: true)
        mac.absorb(ciphertext, pad16: true)
        let a = UInt64(aad.count), c = UInt64(ciphertext.count)
        mac.block(UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: a >> 32),
                  UInt32(truncatingIfNeeded: c), UInt32(truncatingIfNeeded: c >> 32), hibit: 1 << 24)
        return mac.finish()
    }
}

@inline(__always)
fileprivate func loadLE32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

@inline(__always)
fileprivate func storeLE32(_ w: UInt32, into b: inout [UInt8], at i: Int) {
    b[i] = UInt8(truncatingIfNeeded: w)
    b[i + 1] = UInt8(truncatingIfNeeded: w >> 8)
    b[i + 2] = UInt8(truncatingIfNeeded: w >> 16)
    b[i + 3] = UInt8(truncatingIfNeeded: w >> 24)
}

@inline(__always)
fileprivate func loadLE32(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
    UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
}

// MARK: - ChaCha20 (RFC 8439 2.3, 2.4)

// Nested so that other primitives in this module can use these names.
extension ChaCha20Poly1305 {
    struct ChaCha20: Sendable {
        let k0, k1, k2, k3, k4, k5, k6, k7: UInt32
        let n0, n1, n2: UInt32

        /// Callers pass a 32-byte key and a 12-byte nonce (checked by the AEAD above).
        init(key: [UInt8], nonce: [UInt8]) {
            k0 = loadLE32(key, 0); k1 = loadLE32(key, 4); k2 = loadLE32(key, 8); k3 = loadLE32(key, 12)
            k4 = loadLE32(key, 16); k5 = loadLE32(key, 20); k6 = loadLE32(key, 24); k7 = loadLE32(key, 28)
            n0 = loadLE32(nonce, 0); n1 = loadLE32(nonce, 4); n2 = loadLE32(nonce, 8)
        }

        @inline(__always)
        static func quarterRound(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
            a &+= b; d ^= a; d = (d << 16) | (d >> 16)
            c &+= d; b ^= c; b = (b << 12) | (b >> 20)
            a &+= b; d ^= a; d = (d << 8) | (d >> 24)
            c &+= d; b ^= c; b = (b << 7) | (b >> 25)
        }

        /// The 16-word output of the block function (serialize each word little-endian).
        @inline(__always)
        func block(counter: UInt32) -> SIMD16<UInt32> {
            let c0: UInt32 = 0x6170_7865, c1: UInt32 = 0x3320_646e, c2: UInt32 = 0x7962_2d32, c3: UInt32 = 0x6b20_6574
            var x0 = c0, x1 = c1, x2 = c2, x3 = c3
            var x4 = k0, x5 = k1, x6 = k2, x7 = k3
            var x8 = k4, x9 = k5, x10 = k6, x11 = k7
            var x12 = counter, x13 = n0, x14 = n1, x15 = n2
            for _ in 0..<10 {
                Self.quarterRound(&x0, &x4, &x8, &x12)
                Self.quarterRound(&x1, &x5, &x9, &x13)
                Self.quarterRound(&x2, &x6, &x10, &x14)
                Self.quarterRound(&x3, &x7, &x11, &x15)
                Self.quarterRound(&x0, &x5, &x10, &x15)
                Self.quarterRound(&x1, &x6, &x11, &x12)
                Self.quarterRound(&x2, &x7, &x8, &x13)
                Self.quarterRound(&x3, &x4, &x9, &x14)
            }
            return SIMD16(x0 &+ c0, x1 &+ c1, x2 &+ c2, x3 &+ c3,
                          x4 &+ k0, x5 &+ k1, x6 &+ k2, x7 &+ k3,
                          x8 &+ k4, x9 &+ k5, x10 &+ k6, x11 &+ k7,
                          x12 &+ counter, x13 &+ n0, x14 &+ n1, x15 &+ n2)
        }

        /// XORs the key stream from block `counter` on into `data` (encryption = decryption).
        /// The caller bounds `data` so that the 32-bit counter does not wrap.
        func xorKeyStream(_ data: inout [UInt8], counter: UInt32) {
            var ctr = counter
            data.withUnsafeMutableBytes { buf in
                let n = buf.count
                var off = 0
                while n - off >= 64 {
                    let ks = block(counter: ctr)
                    for i in 0..<16 {
                        let p = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: off + 4 * i, as: UInt32.self))
                        buf.storeBytes(of: (p ^ ks[i]).littleEndian, toByteOffset: off + 4 * i, as: UInt32.self)
                    }
                    off += 64
                    ctr &+= 1
                }
                if off < n {
                    let ks = block(counter: ctr)
                    for i in 0..<(n - off) {
                        buf[off + i] ^= UInt8(truncatingIfNeeded: ks[i >> 2] >> (8 * UInt32(i & 3)))
                    }
                }
            }
        }
    }
}

// MARK: - Poly1305 (RFC 8439 2.5), 5 x 26-bit limbs

extension ChaCha20Poly1305 {
    struct Poly1305: Sendable {
        private let r0, r1, r2, r3, r4: UInt32
        private let s1, s2, s3, s4: UInt32
        private let p0, p1, p2, p3: UInt32
        private var h0: UInt32 = 0, h1: UInt32 = 0, h2: UInt32 = 0, h3: UInt32 = 0, h4: UInt32 = 0
        private static let mask26: UInt32 = 0x3ff_ffff

        /// `key` is 32 bytes: r (clamped here) || s.
        init(key: [UInt8]) {
            r0 = loadLE32(key, 0) & 0x3ff_ffff
            r1 = (loadLE32(key, 3) >> 2) & 0x3ff_ff03
            r2 = (loadLE32(key, 6) >> 4) & 0x3ff_c0ff
            r3 = (loadLE32(key, 9) >> 6) & 0x3f0_3fff
            r4 = (loadLE32(key, 12) >> 8) & 0x00f_ffff
            s1 = r1 &* 5; s2 = r2 &* 5; s3 = r3 &* 5; s4 = r4 &* 5
            p0 = loadLE32(key, 16); p1 = loadLE32(key, 20); p2 = loadLE32(key, 24); p3 = loadLE32(key, 28)
        }

        /// One 16-byte block given as four little-endian words; `hibit` is 2^128 in limb 4
        /// (1 << 24) for full blocks, 0 for a final block already padded with its 0x01 byte.
        @inline(__always)
        mutating func block(_ m0: UInt32, _ m1: UInt32, _ m2: UInt32, _ m3: UInt32, hibit: UInt32) {
            let mask = Self.mask26
            h0 &+= m0 & mask
            h1 &+= ((m0 >> 26) | (m1 << 6)) & mask
            h2 &+= ((m1 >> 20) | (m2 << 12)) & mask
            h3 &+= ((m2 >> 14) | (m3 << 18)) & mask
            h4 &+= (m3 >> 8) | hibit

            let a0 = UInt64(h0), a1 = UInt64(h1), a2 = UInt64(h2), a3 = UInt64(h3), a4 = UInt64(h4)
            let b0 = UInt64(r0), b1 = UInt64(r1), b2 = UInt64(r2), b3 = UInt64(r3), b4 = UInt64(r4)
            let t1 = UInt64(s1), t2 = UInt64(s2), t3 = UInt64(s3), t4 = UInt64(s4)

            let d0 = a0 &* b0 &+ a1 &* t4 &+ a2 &* t3 &+ a3 &* t2 &+ a4 &* t1
            var d1 = a0 &* b1 &+ a1 &* b0 &+ a2 &* t4 &+ a3 &* t3 &+ a4 &* t2
            var d2 = a0 &* b2 &+ a1 &* b1 &+ a2 &* b0 &+ a3 &* t4 &+ a4 &* t3
            var d3 = a0 &* b3 &+ a1 &* b2 &+ a2 &* b1 &+ a3 &* b0 &+ a4 &* t4
            var d4 = a0 &* b4 &+ a1 &* b3 &+ a2 &* b2 &+ a3 &* b1 &+ a4 &* b0

            let m64 = UInt64(mask)
            d1 &+= d0 >> 26; h0 = UInt32(truncatingIfNeeded: d0 & m64)
            d2 &+= d1 >> 26; h1 = UInt32(truncatingIfNeeded: d1 & m64)
            d3 &+= d2 >> 26; h2 = UInt32(truncatingIfNeeded: d2 & m64)
            d4 &+= d3 >> 26; h3 = UInt32(truncatingIfNeeded: d3 & m64)
            let c = UInt32(truncatingIfNeeded: d4 >> 26); h4 = UInt32(truncatingIfNeeded: d4 & m64)
            h0 &+= c &* 5
            h1 &+= h0 >> 26; h0 &= mask
        }

        /// Absorbs `data` as 16-byte blocks, each with the 2^128 bit. A final partial block is
        /// zero-padded to 16 bytes with `pad16` (the AEAD's padding, RFC 8439 2.8), or ended by a
        /// 0x01 byte without the 2^128 bit as plain Poly1305 has it (2.5). Empty data adds nothing.
        mutating func absorb(_ data: [UInt8], pad16: Bool) {
            let n = data.count
            let full = n & ~15
            data.withUnsafeBytes { p in
                var off = 0
                while off < full {
                    block(loadLE32(p, off), loadLE32(p, off + 4), loadLE32(p, off + 8), loadLE32(p, off + 12), hibit: 1 << 24)
                    off += 16
                }
            }
            if full < n {
                var last = [UInt8](repeating: 0, count: 16)
                for i in full..<n { last[i - full] = data[i] }
                if !pad16 { last[n - full] = 1 }
                block(loadLE32(last, 0), loadLE32(last, 4), loadLE32(last, 8), loadLE32(last, 12), hibit: pad16 ? 1 << 24 : 0)
            }
        }

        /// The 16-byte tag: h fully reduced mod 2^130 - 5 (selected by mask, not by branch), plus s mod 2^128.
        func finish() -> [UInt8] {
            let mask = Self.mask26
            var h0 = self.h0, h1 = self.h1, h2 = self.h2, h3 = self.h3, h4 = self.h4
            var c: UInt32
            c = h1 >> 26; h1 &= mask; h2 &+= c
            c = h2 >> 26; h2 &= mask; h3 &+= c
            c = h3 >> 26; h3 &= mask; h4 &+= c
            c = h4 >> 26; h4 &= mask; h0 &+= c &* 5
            c = h0 >> 26; h0 &= mask; h1 &+= c

            // g = h + 5 - 2^130; if it does not borrow, h >= p and g is the reduced value.
            var g0 = h0 &+ 5; c = g0 >> 26; g0 &= mask
            var g1 = h1 &+ c; c = g1 >> 26; g1 &= mask
            var g2 = h2 &+ c; c = g2 >> 26; g2 &= mask
            var g3 = h3 &+ c; c = g3 >> 26; g3 &= mask
            var g4 = h4 &+ c &- (1 << 26)

            let useG = (g4 >> 31) &- 1          // all ones if no borrow, else zero
            let useH = ~useG
            g0 &= useG; g1 &= useG; g2 &= useG; g3 &= useG; g4 &= useG
            h0 = (h0 & useH) | g0
            h1 = (h1 & useH) | g1
            h2 = (h2 & useH) | g2
            h3 = (h3 & useH) | g3
            h4 = (h4 & useH) | g4

            // h mod 2^128 as four 32-bit words, then + s.
            let w0 = h0 | (h1 << 26)
            let w1 = (h1 >> 6) | (h2 << 20)
            let w2 = (h2 >> 12) | (h3 << 14)
            let w3 = (h3 >> 18) | (h4 << 8)

            var f = UInt64(w0) &+ UInt64(p0)
            let t0 = UInt32(truncatingIfNeeded: f)
            f = UInt64(w1) &+ UInt64(p1) &+ (f >> 32)
            let t1 = UInt32(truncatingIfNeeded: f)
            f = UInt64(w2) &+ UInt64(p2) &+ (f >> 32)
            let t2 = UInt32(truncatingIfNeeded: f)
            f = UInt64(w3) &+ UInt64(p3) &+ (f >> 32)
            let t3 = UInt32(truncatingIfNeeded: f)

            var tag = [UInt8](repeating: 0, count: 16)
            storeLE32(t0, into: &tag, at: 0)
            storeLE32(t1, into: &tag, at: 4)
            storeLE32(t2, into: &tag, at: 8)
            storeLE32(t3, into: &tag, at: 12)
            return tag
        }

        /// One-shot Poly1305 (RFC 8439 2.5.1); `key` must be 32 bytes.
        static func mac(key: [UInt8], message: [UInt8]) -> [UInt8]? {
            guard key.count == 32 else { return nil }
            var p = Poly1305(key: key)
            p.absorb(message, pad16: false)
            return p.finish()
        }
    }
}
