import Primitives

// Finite fields of draft-irtf-cfrg-vdaf-20, section "Finite Fields": Field64 and Field128, their
// little-endian encoding, the NTT-friendly interface (roots of unity, ntt, inv_ntt), polynomial
// evaluation and the `Lagrange` class.
//
// Standard library only. Arithmetic on field elements (+, -, *, negation, inverse, power) runs in
// time independent of the values: carries and borrows become all-ones/all-zeros masks and the
// result is selected with `&`/`|`, never with a branch or a table index. Exponents of `power` and
// `inverse` are processed bit by bit with a fixed number of iterations and a masked select, so the
// exponent does not steer control flow either. Decoding and `==` compute the comparison without
// early exit and branch only on the (public) result. `description`, the NTT's loop structure and
// the vector sizes are public and may steer control flow.
//
// Sizes (`n` of the roots of unity, NTT and `Lagrange`) come from circuit parameters, not from
// reports. Invalid sizes never trap here: they give the documented degenerate result (an empty
// array, `zero`, or the input unchanged). Callers must check lengths of decoded data first.

// MARK: - Protocol

public protocol PrioField: Equatable, Hashable, Sendable, CustomStringConvertible {
    static var encodedSize: Int { get }
    static var zero: Self { get }
    static var one: Self { get }
    /// log2 of GEN_ORDER (32 or 66).
    static var generatorOrderLog2: Int { get }
    /// The element for a small integer (value < modulus for Field64; any UInt64 for Field128).
    /// Field64 reduces a value >= MODULUS by one subtraction (so it never traps).
    init(_ value: UInt64)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// a^(p-2) (0 for 0).
    func inverse() -> Self
    func power(_ e: UInt64) -> Self
    /// Appends the little-endian ENCODED_SIZE bytes of the integer value to `out`.
    func encode(into out: inout [UInt8])
    /// From exactly encodedSize little-endian bytes; nil if >= MODULUS (or the count is wrong).
    static func decode(_ bytes: ArraySlice<UInt8>) -> Self?
    /// For XOF rejection sampling (draft `next_vec`): interpret encodedSize LE bytes, AND with
    /// next_power_of_2(MODULUS) - 1 (i.e. 2^64-1 for Field64, 2^128-1 for Field128), nil if >= MODULUS.
    static func fromMaskedBytes(_ bytes: ArraySlice<UInt8>) -> Self?
    /// The integer value as two words (high is 0 for Field64).
    var words: (high: UInt64, low: UInt64) { get }
    /// The principal n-th root of unity, gen^(GEN_ORDER/n), n a power of two <= GEN_ORDER.
    /// Returns `zero` for any other n. (For Field128, GEN_ORDER = 2^66 > Int.max, so n <= 2^62.)
    static func nthRoot(_ n: Int) -> Self
    /// [Wn^0, ..., Wn^(n-1)] with Wn = nthRoot(n); empty for an invalid n.
    static func nthRootPowers(_ n: Int) -> [Self]
}

// MARK: - Word helpers (branch-free)

// Carries and borrows are computed with the bit formulas of Hacker's Delight (2-13), not from the
// Bool of `addingReportingOverflow`: the optimizer turned such Bools into conditional jumps.

/// All ones for 1, all zeros for 0.
@inline(__always) private func mask(_ bit: UInt64) -> UInt64 { 0 &- bit }

/// a + b and its carry (0 or 1).
@inline(__always) private func addc(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
    let s = a &+ b
    return (s, ((a & b) | ((a | b) & ~s)) >> 63)
}

/// a - b and its borrow (0 or 1).
@inline(__always) private func subb(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
    let d = a &- b
    return (d, ((~a & b) | (~(a ^ b) & d)) >> 63)
}

/// a + b + carryIn; carryIn and the returned carry may be any small count.
@inline(__always) private func adc(_ a: UInt64, _ b: UInt64, _ carryIn: UInt64) -> (UInt64, UInt64) {
    let (s1, c1) = addc(a, b)
    let (s2, c2) = addc(s1, carryIn)
    return (s2, c1 &+ c2)
}

/// a - b - borrowIn (borrowIn 0 or 1); the returned borrow is 0 or 1.
@inline(__always) private func sbb(_ a: UInt64, _ b: UInt64, _ borrowIn: UInt64) -> (UInt64, UInt64) {
    let (d1, b1) = subb(a, b)
    let (d2, b2) = subb(d1, borrowIn)
    return (d2, b1 | b2)
}

/// Reads up to 8 little-endian bytes starting at `offset` positions into the slice.
@inline(__always) private func readLE64(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt64 {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    for b in bytes.dropFirst(offset).prefix(8) {
        v |= UInt64(b) << shift
        shift += 8
    }
    return v
}

@inline(__always) private func appendLE64(_ v: UInt64, _ out: inout [UInt8]) {
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
}

/// log2(n) if n is a power of two with log2(n) <= maxLog2, else nil.
@inline(__always) private func validLog2(_ n: Int, _ maxLog2: Int) -> Int? {
    guard n > 0, n & (n &- 1) == 0 else { return nil }
    let k = n.trailingZeroBitCount
    return k <= maxLog2 ? k : nil
}

/// x to the power whose 64-bit words are `words` (most significant first): square and multiply
/// with 64 fixed iterations a word, each bit choosing by `select` (a mask, not a branch).
@inline(__always) private func ladderPower<F: PrioField>(_ x: F, _ words: [UInt64], _ select: (UInt64, F, F) -> F) -> F {
    var r = F.one
    for e in words {
        var i = 63
        while i >= 0 {
            r = r * r
            r = select(mask((e >> UInt64(i)) & 1), r * x, r)
            i -= 1
        }
    }
    return r
}

/// table[k] = gen^(2^(log2Order - k)), the principal 2^k-th root of unity, k = 0...log2Order.
private func makeRootTable<F: PrioField>(_ gen: F, _ log2Order: Int) -> [F] {
    var table = [F](repeating: F.one, count: log2Order + 1)
    var r = gen
    var k = log2Order
    while k >= 0 {
        table[k] = r
        r = r * r
        k -= 1
    }
    return table
}

/// Decimal digits of the 128-bit integer high:low (public values only; not constant-time).
private func decimalString(_ high: UInt64, _ low: UInt64) -> String {
    if high == 0 { return String(low) }
    let chunk: UInt64 = 10_000_000_000_000_000_000  // 10^19
    var hi = high, lo = low
    var parts: [UInt64] = []
    while hi != 0 {
        let qh = hi / chunk
        let rh = hi % chunk
        let (ql, r) = chunk.dividingFullWidth((high: rh, low: lo))
        parts.append(r)
        hi = qh
        lo = ql
    }
    var s = String(lo)
    for part in parts.reversed() {
        let digits = String(part)
        s += String(repeating: "0", count: 19 - digits.count) + digits
    }
    return s
}

// MARK: - Field64

/// GF(p), p = 2^32 * 4294967295 + 1 = 2^64 - 2^32 + 1. Internal representation: the canonical
/// integer in [0, p).
public struct Field64: PrioField {
    @usableFromInline let value: UInt64

    static let modulus: UInt64 = 0xFFFF_FFFF_0000_0001
    /// 2^64 mod p = 2^32 - 1.
    static let epsilon: UInt64 = 0xFFFF_FFFF
    /// 7^4294967295 mod p (canonical).
    static let generatorValue: UInt64 = 1_753_635_133_440_165_772
    static let rootTable: [Field64] = makeRootTable(Field64(raw: generatorValue), 32)

    @inline(__always) init(raw: UInt64) { value = raw }

    public static var encodedSize: Int { 8 }
    public static var zero: Field64 { Field64(raw: 0) }
    public static var one: Field64 { Field64(raw: 1) }
    public static var generatorOrderLog2: Int { 32 }

    public init(_ value: UInt64) { self.value = Field64.reduceOnce(value) }

    /// x mod p for any x < 2^64 (< 2p): subtract p unless that borrows.
    @inline(__always) static func reduceOnce(_ x: UInt64) -> UInt64 {
        let (d, borrow) = subb(x, modulus)
        let m = mask(borrow)
        return (x & m) | (d & ~m)
    }

    /// (hi * 2^64 + lo) mod p, using 2^64 = 2^32 - 1 and 2^96 = -1 (mod p).
    @inline(__always) static func reduce128(_ hi: UInt64, _ lo: UInt64) -> UInt64 {
        let hiHi = hi >> 32
        let hiLo = hi & epsilon
        // lo - hiHi; a borrow added 2^64 = epsilon (mod p), so take epsilon away (cannot borrow again).
        let (t0w, b0) = subb(lo, hiHi)
        let t0 = t0w &- (epsilon & mask(b0))
        // hiLo * 2^64 = hiLo * (2^32 - 1); fits in 64 bits.
        let t1 = hiLo &* epsilon
        // t0 + t1; a carry lost 2^64 = epsilon (mod p), so add it back (cannot carry again).
        let (t2w, c) = addc(t0, t1)
        let t2 = t2w &+ (epsilon & mask(c))
        return reduceOnce(t2)
    }

    public static func + (a: Field64, b: Field64) -> Field64 {
        let (s, carry) = addc(a.value, b.value)
        let (d, borrow) = subb(s, modulus)
        // Take s - p when the 65-bit sum is >= p: it carried, or s - p did not borrow.
        let m = mask(carry | (1 &- borrow))
        return Field64(raw: (d & m) | (s & ~m))
    }

    public static func - (a: Field64, b: Field64) -> Field64 {
        let (d, borrow) = subb(a.value, b.value)
        return Field64(raw: d &+ (modulus & mask(borrow)))
    }

    public static func * (a: Field64, b: Field64) -> Field64 {
        let (hi, lo) = a.value.multipliedFullWidth(by: b.value)
        return Field64(raw: reduce128(hi, lo))
    }

    public static prefix func - (a: Field64) -> Field64 { zero - a }

    @inline(__always) static func select(_ m: UInt64, _ a: Field64, _ b: Field64) -> Field64 {
        Field64(raw: (a.value & m) | (b.value & ~m))
    }

    public func power(_ e: UInt64) -> Field64 { ladderPower(self, [e], Field64.select) }

    public func inverse() -> Field64 { power(Field64.modulus &- 2) }

    public func encode(into out: inout [UInt8]) { appendLE64(value, &out) }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> Field64? {
        guard bytes.count == 8 else { return nil }
        let v = readLE64(bytes, 0)
        let (_, borrow) = subb(v, modulus)
        return borrow == 1 ? Field64(raw: v) : nil
    }

    public static func fromMaskedBytes(_ bytes: ArraySlice<UInt8>) -> Field64? {
        // next_power_of_2(p) - 1 = 2^64 - 1: the mask keeps every bit.
        decode(bytes)
    }

    public var words: (high: UInt64, low: UInt64) { (0, value) }

    public static func nthRoot(_ n: Int) -> Field64 {
        guard let k = validLog2(n, 32) else { return zero }
        return rootTable[k]
    }

    public static func nthRootPowers(_ n: Int) -> [Field64] { rootPowers(n) }

    public static func == (a: Field64, b: Field64) -> Bool { (a.value ^ b.value) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
    public var description: String { String(value) }
}

// MARK: - Field128

/// GF(p), p = 2^66 * 4611686018427387897 + 1 = 2^128 - 28 * 2^64 + 1.
/// Internal representation: Montgomery form with R = 2^128, i.e. the pair (hi, lo) holds
/// x * 2^128 mod p in [0, p) for the element x. `words`, `encode`, `decode`, `init(_:)` and
/// `description` convert to/from the canonical integer x.
public struct Field128: PrioField {
    @usableFromInline let hi: UInt64
    @usableFromInline let lo: UInt64

    static let p1: UInt64 = 0xFFFF_FFFF_FFFF_FFE4
    static let p0: UInt64 = 0x1
    /// -p^-1 mod 2^64 (p = 1 mod 2^64, so this is 2^64 - 1).
    static let nPrime: UInt64 = 0xFFFF_FFFF_FFFF_FFFF
    /// R^2 mod p, to enter the Montgomery domain.
    static let r2Hi: UInt64 = 0x5587
    static let r2Lo: UInt64 = 0xFFFF_FFFF_FFFF_FCF1
    /// R mod p: the Montgomery form of 1.
    static let rHi: UInt64 = 0x1B
    static let rLo: UInt64 = 0xFFFF_FFFF_FFFF_FFFF
    /// 7^4611686018427387897 mod p (canonical).
    static let generatorHi: UInt64 = 0x6D27_8FBF_4F60_228B
    static let generatorLo: UInt64 = 0x1F9B_2759_C510_9F06
    static let rootTable: [Field128] =
        makeRootTable(Field128(canonicalHigh: generatorHi, low: generatorLo), 66)

    @inline(__always) init(montHigh: UInt64, montLow: UInt64) { hi = montHigh; lo = montLow }

    /// From a canonical integer < p (caller guarantees the bound).
    @inline(__always) init(canonicalHigh h: UInt64, low l: UInt64) {
        let (mh, ml) = Field128.montMul(h, l, Field128.r2Hi, Field128.r2Lo)
        hi = mh; lo = ml
    }

    public static var encodedSize: Int { 16 }
    public static var zero: Field128 { Field128(montHigh: 0, montLow: 0) }
    public static var one: Field128 { Field128(montHigh: rHi, montLow: rLo) }
    public static var generatorOrderLog2: Int { 66 }

    public init(_ value: UInt64) { self.init(canonicalHigh: 0, low: value) }

    /// Given x = (c, h, l) < 2p (c the carry bit), x mod p.
    @inline(__always) static func reduceOnce(_ c: UInt64, _ h: UInt64, _ l: UInt64) -> (UInt64, UInt64) {
        let (dl, b0) = sbb(l, p0, 0)
        let (dh, b1) = sbb(h, p1, b0)
        // Take x - p when x >= p: the carry is set, or the subtraction did not borrow.
        let m = mask(c | (1 &- b1))
        return ((dh & m) | (h & ~m), (dl & m) | (l & ~m))
    }

    /// Montgomery product a * b * 2^-128 mod p for a, b < p (two-word operands, high first).
    @inline(__always) static func montMul(_ ah: UInt64, _ al: UInt64,
                                          _ bh: UInt64, _ bl: UInt64) -> (UInt64, UInt64) {
        // Full 256-bit product t3:t2:t1:t0.
        let (h00, l00) = al.multipliedFullWidth(by: bl)
        let (h01, l01) = al.multipliedFullWidth(by: bh)
        let (h10, l10) = ah.multipliedFullWidth(by: bl)
        let (h11, l11) = ah.multipliedFullWidth(by: bh)
        var t0 = l00
        var (t1, c1) = adc(h00, l01, 0)
        var c: UInt64
        (t1, c) = adc(t1, l10, 0); c1 &+= c
        var (t2, c2) = adc(h01, h10, c1)
        (t2, c) = adc(t2, l11, 0); c2 &+= c
        var (t3, _) = adc(h11, c2, 0)  // a * b < 2^256: no carry out
        var t4: UInt64 = 0

        // REDC step 1: add m * p at word 0 so that word 0 becomes zero.
        var m = t0 &* nPrime
        var (mh0, ml0) = m.multipliedFullWidth(by: p0)
        var (mh1, ml1) = m.multipliedFullWidth(by: p1)
        (t0, c) = adc(t0, ml0, 0)
        (t1, c) = adc(t1, mh0, c)
        var cc: UInt64
        (t1, cc) = adc(t1, ml1, 0); c &+= cc
        (t2, c) = adc(t2, mh1, c)
        (t3, c) = adc(t3, 0, c)
        t4 = c

        // REDC step 2: add m * p at word 1 so that word 1 becomes zero.
        m = t1 &* nPrime
        (mh0, ml0) = m.multipliedFullWidth(by: p0)
        (mh1, ml1) = m.multipliedFullWidth(by: p1)
        (t1, c) = adc(t1, ml0, 0)
        (t2, c) = adc(t2, mh0, c)
        (t2, cc) = adc(t2, ml1, 0); c &+= cc
        (t3, c) = adc(t3, mh1, c)
        t4 &+= c
        _ = t0; _ = t1

        // (T + M p) / 2^128 = t4:t3:t2 < 2p.
        return reduceOnce(t4, t3, t2)
    }

    public static func + (a: Field128, b: Field128) -> Field128 {
        let (l, c0) = adc(a.lo, b.lo, 0)
        let (h, c1) = adc(a.hi, b.hi, c0)
        let (rh, rl) = reduceOnce(c1, h, l)
        return Field128(montHigh: rh, montLow: rl)
    }

    public static func - (a: Field128, b: Field128) -> Field128 {
        let (dl, b0) = sbb(a.lo, b.lo, 0)
        let (dh, b1) = sbb(a.hi, b.hi, b0)
        // On a borrow add p back.
        let m = mask(b1)
        let (rl, c0) = adc(dl, p0 & m, 0)
        let (rh, _) = adc(dh, p1 & m, c0)
        return Field128(montHigh: rh, montLow: rl)
    }

    public static func * (a: Field128, b: Field128) -> Field128 {
        let (h, l) = montMul(a.hi, a.lo, b.hi, b.lo)
        return Field128(montHigh: h, montLow: l)
    }

    public static prefix func - (a: Field128) -> Field128 { zero - a }

    @inline(__always) static func select(_ m: UInt64, _ a: Field128, _ b: Field128) -> Field128 {
        Field128(montHigh: (a.hi & m) | (b.hi & ~m), montLow: (a.lo & m) | (b.lo & ~m))
    }

    public func power(_ e: UInt64) -> Field128 { ladderPower(self, [e], Field128.select) }

    public func inverse() -> Field128 {
        // p - 2 = (p1 - 1) * 2^64 + (2^64 - 1), since p0 = 1.
        ladderPower(self, [Field128.p1 &- 1, UInt64.max], Field128.select)
    }

    public func encode(into out: inout [UInt8]) {
        let w = words
        appendLE64(w.low, &out)
        appendLE64(w.high, &out)
    }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> Field128? {
        guard bytes.count == 16 else { return nil }
        let l = readLE64(bytes, 0)
        let h = readLE64(bytes, 8)
        let (_, b0) = sbb(l, p0, 0)
        let (_, b1) = sbb(h, p1, b0)
        // b1 == 1 exactly when h:l < p.
        return b1 == 1 ? Field128(canonicalHigh: h, low: l) : nil
    }

    public static func fromMaskedBytes(_ bytes: ArraySlice<UInt8>) -> Field128? {
        // next_power_of_2(p) - 1 = 2^128 - 1: the mask keeps every bit.
        decode(bytes)
    }

    public var words: (high: UInt64, low: UInt64) {
        let (h, l) = Field128.montMul(hi, lo, 0, 1)
        return (h, l)
    }

    public static func nthRoot(_ n: Int) -> Field128 {
        guard let k = validLog2(n, 66) else { return zero }
        return rootTable[k]
    }

    public static func nthRootPowers(_ n: Int) -> [Field128] { rootPowers(n) }

    public static func == (a: Field128, b: Field128) -> Bool { ((a.hi ^ b.hi) | (a.lo ^ b.lo)) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(hi); hasher.combine(lo) }
    public var description: String {
        let w = words
        return decimalString(w.high, w.low)
    }
}

// MARK: - Vectors, NTT

extension PrioField {
    /// [Wn^0, ..., Wn^(n-1)]; empty for an invalid n.
    static func rootPowers(_ n: Int) -> [Self] {
        guard validLog2(n, generatorOrderLog2) != nil else { return [] }
        let w = nthRoot(n)
        var out = [Self]()
        out.reserveCapacity(n)
        var x = Self.one
        for _ in 0..<n {
            out.append(x)
            x = x * w
        }
        return out
    }

    /// Concatenated encodings of the elements.
    public static func encodeVec(_ v: [Self]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(v.count * encodedSize)
        for x in v { x.encode(into: &out) }
        return out
    }

    /// nil if the length is not a multiple of encodedSize or an element is >= MODULUS.
    public static func decodeVec(_ b: [UInt8]) -> [Self]? {
        let size = encodedSize
        guard b.count % size == 0 else { return nil }
        var out = [Self]()
        out.reserveCapacity(b.count / size)
        var i = 0
        while i < b.count {
            guard let x = decode(b[i..<(i + size)]) else { return nil }
            out.append(x)
            i += size
        }
        return out
    }

    /// In-place radix-2 decimation-in-time transform: a[i] <- sum_j a[j] * w^(i j), where
    /// `powers` = [w^0, ..., w^(n-1)] for a principal n-th root w, n = a.count = 2^k.
    static func transform(_ a: inout [Self], _ powers: [Self], _ k: Int) {
        let n = a.count
        guard n > 1 else { return }
        // Bit-reversal permutation (data-independent: depends only on n).
        for i in 0..<n {
            var j = 0
            var x = i
            for _ in 0..<k { j = (j << 1) | (x & 1); x >>= 1 }
            if i < j { a.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let half = len >> 1
            let step = n / len
            var start = 0
            while start < n {
                for j in 0..<half {
                    let u = a[start + j]
                    let v = a[start + j + half] * powers[j * step]
                    a[start + j] = u + v
                    a[start + j + half] = u - v
                }
                start += len
            }
            len <<= 1
        }
    }

    /// draft ntt(p, n, set_s): evaluations of p (coefficients, len(p) <= n) at Wn^i, or at s*Wn^i
    /// with s = nthRoot(2n) when setS. Empty if n is not a power of two <= GEN_ORDER (with setS:
    /// <= GEN_ORDER/2, and <= 2^61 so that 2n is an Int). A longer p is still evaluated correctly
    /// (coefficients folded mod x^n - 1).
    package static func ntt(_ p: [Self], _ n: Int, setS: Bool) -> [Self] {
        guard let k = validLog2(n, generatorOrderLog2),
              !setS || (k < generatorOrderLog2 && k + 1 < Int.bitWidth - 1) else { return [] }
        var a = [Self](repeating: zero, count: n)
        if setS {
            // p(s x) = sum p_i s^i x^i; s = principal 2^(k+1)-th root.
            let s = nthRoot(1 << (k + 1))
            var si = Self.one
            for (i, c) in p.enumerated() {
                a[i & (n - 1)] = a[i & (n - 1)] + c * si
                si = si * s
            }
        } else {
            for (i, c) in p.enumerated() { a[i & (n - 1)] = a[i & (n - 1)] + c }
        }
        transform(&a, rootPowers(n), k)
        return a
    }

    /// draft inv_ntt(v, n): coefficients from the n evaluations at Wn^i. Empty if v.count != n or
    /// n is not a power of two <= GEN_ORDER.
    package static func invNtt(_ v: [Self], _ n: Int) -> [Self] {
        guard let k = validLog2(n, generatorOrderLog2), v.count == n else { return [] }
        var a = v
        transform(&a, rootPowers(n), k)
        // Using w^-1 instead of w reverses indices 1..n-1; then scale by 1/n.
        let nInv = Self(UInt64(n)).inverse()
        var out = [Self]()
        out.reserveCapacity(n)
        for i in 0..<n { out.append(a[(n - i) & (n - 1)] * nInv) }
        return out
    }
}

/// draft poly_eval in the monomial basis (Horner); zero for an empty p.
package func polyEval<F: PrioField>(_ p: [F], _ x: F) -> F {
    var r = F.zero
    for c in p.reversed() { r = r * x + c }
    return r
}

/// Element-wise sum over zip(a, b): callers check that the lengths match (draft vec_add raises).
package func vecAdd<F: PrioField>(_ a: [F], _ b: [F]) -> [F] { zip(a, b).map { $0 + $1 } }
/// Element-wise difference over zip(a, b): callers check that the lengths match.
package func vecSub<F: PrioField>(_ a: [F], _ b: [F]) -> [F] { zip(a, b).map { $0 - $1 } }

// MARK: - Lagrange

/// The draft's `Lagrange` class: polynomials given by their evaluations at the powers of the
/// principal n-th root of unity, n = len(p) a power of two.
package enum Lagrange<F: PrioField> {
    /// Product of two polynomials in the Lagrange basis (2n evaluations). Empty if the lengths
    /// differ or are not a power of two.
    package static func polyMul(_ p: [F], _ q: [F]) -> [F] {
        guard p.count == q.count else { return [] }
        let p2 = doubleEvaluations(p)
        let q2 = doubleEvaluations(q)
        guard !p2.isEmpty, p2.count == q2.count else { return [] }
        return zip(p2, q2).map { $0 * $1 }
    }

    /// Evaluates p (Lagrange basis) at x; zero if len(p) is not a power of two.
    package static func polyEval(_ p: [F], _ x: F) -> F {
        polyEvalBatched([p], x).first ?? F.zero
    }

    /// Evaluates each polynomial at x. Empty if polys is empty, their lengths differ, or the
    /// length is not a power of two.
    package static func polyEvalBatched(_ polys: [[F]], _ x: F) -> [F] {
        guard let first = polys.first else { return [] }
        let n = first.count
        guard polys.allSatisfy({ $0.count == n }) else { return [] }
        let nodes = F.nthRootPowers(n)
        guard nodes.count == n else { return [] }

        var k = F.one
        var u = polys.map { $0[0] }
        var d = nodes[0] - x
        var i = 1
        while i < n {
            k = k * d
            d = nodes[i] - x
            let t = k * nodes[i]
            for j in 0..<polys.count {
                u[j] = u[j] * d
                if i < polys[j].count {
                    u[j] = u[j] + t * polys[j][i]
                }
            }
            i += 1
        }

        // (-1)^(n-1) / n
        let sign = (n - 1) & 1 == 1 ? -F.one : F.one
        let factor = sign * F(UInt64(n)).inverse()
        for j in 0..<u.count { u[j] = u[j] * factor }
        return u
    }

    /// Returns p extended with evaluations until it has n of them (the draft appends in place).
    /// p unchanged if n is not a power of two <= GEN_ORDER or len(p) > n.
    package static func extendValuesToPowerOf2(_ p: [F], _ n: Int) -> [F] {
        guard p.count <= n else { return p }
        let x = F.nthRootPowers(n)
        guard x.count == n else { return p }
        var p = p

        var w = [F](repeating: F.zero, count: n)
        for i in 0..<p.count {
            var prod = F.one
            for j in 0..<p.count where i != j { prod = prod * (x[i] - x[j]) }
            w[i] = prod
        }

        var k = p.count
        while k < n {
            for i in 0..<k { w[i] = w[i] * (x[i] - x[k]) }

            var yNum = F.zero
            var yDen = F.one
            for (i, v) in p.enumerated() {
                yNum = yNum * w[i] + yDen * v
                yDen = yDen * w[i]
            }

            var prod = F.one
            for j in 0..<k { prod = prod * (x[k] - x[j]) }
            w[k] = prod
            p.append(-w[k] * yNum * yDen.inverse())
            k += 1
        }
        return p
    }

    /// 2n evaluations from the n = len(p) evaluations (interleaved: p[0], odd[0], p[1], ...).
    /// Empty if n is not a power of two < GEN_ORDER.
    package static func doubleEvaluations(_ p: [F]) -> [F] {
        let n = p.count
        let odd = F.ntt(F.invNtt(p, n), n, setS: true)
        guard odd.count == n else { return [] }
        var out = [F]()
        out.reserveCapacity(2 * n)
        for i in 0..<n {
            out.append(p[i])
            out.append(odd[i])
        }
        return out
    }
}
