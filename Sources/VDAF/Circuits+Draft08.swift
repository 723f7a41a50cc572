/// The validity circuits of draft-irtf-cfrg-vdaf-08 ("Instantiations"), where they differ from
/// draft 20's: each has one output, its checks combined by powers of the joint randomness inside
/// the circuit (draft 20 combines several outputs with query randomness instead). Prio3Count's
/// circuit is the same in both drafts (`CountCircuit`).

/// encode_into_bit_vector: the `bits` low bits of `value`, least significant first; nil if the
/// value does not fit.
func encodeBits<F: PrioField>(_ value: UInt64, bits: Int) -> [F]? {
    guard bits >= 0, bits <= 64, bits == 64 || value >> UInt64(bits) == 0 else { return nil }
    return (0..<bits).map { F((value >> UInt64($0)) & 1) }
}

/// decode_from_bit_vector (linear, so it works on shares).
func decodeBits<F: PrioField>(_ bits: ArraySlice<F>) -> F {
    var decoded = F.zero, weight = F.one, two = F(2)
    for b in bits {
        decoded = decoded + weight * b
        weight = weight * two
    }
    return decoded
}

/// Draft 08's Prio3Sum circuit (Field128): a measurement in [0, 2^bits) as its bits, each checked
/// by Range2(x) = x² − x, weighted by the powers of the joint randomness.
public struct Draft08SumCircuit<F: PrioField>: ValidityCircuit {
    public let bits: Int
    /// nil unless 0 < bits <= 64.
    public init?(bits: Int) {
        guard bits > 0, bits <= 64 else { return nil }
        self.bits = bits
    }
    public var gadgets: [Gadget<F>] { [Gadget<F>.polyEval([0, -1, 1], calls: bits)] }
    public var gadgetCalls: [Int] { [bits] }
    public var measLen: Int { bits }
    public var jointRandLen: Int { 1 }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { 1 }
    public func encode(_ measurement: UInt64) -> [F]? { encodeBits(measurement, bits: bits) }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let r = jointRand[0]
        var out = F.zero, rPower = r
        for b in meas {
            out = out + rPower * call(0, [b][...])
            rPower = rPower * r
        }
        return [out]
    }
    public func truncate(_ meas: [F]) -> [F] { [decodeBits(meas[...])] }
}

/// Draft 08's Prio3SumVec circuit (Field128): `length` integers in [0, 2^bits), their bits range
/// checked in chunks of `chunkLength`.
public struct Draft08SumVecCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, bits: Int, chunkLength: Int
    /// nil unless every parameter is positive and bits <= 64.
    public init?(length: Int, bits: Int, chunkLength: Int) {
        guard length > 0, bits > 0, bits <= 64, chunkLength > 0, length <= Int.max / bits else { return nil }
        (self.length, self.bits, self.chunkLength) = (length, bits, chunkLength)
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length * bits + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length * bits }
    public var jointRandLen: Int { 1 }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { length }
    public func encode(_ measurement: [UInt64]) -> [F]? { encodeEach(measurement, length: length) { encodeBits($0, bits: bits) } }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        [chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength,
                           sharesInverse: F(UInt64(numShares)).inverse(), runningPowers: true, call)]
    }
    public func truncate(_ meas: [F]) -> [F] {
        (0..<length).map { i in decodeBits(meas[(i * bits)..<((i + 1) * bits)]) }
    }
}

/// Draft 08's Prio3Histogram circuit (Field128): a one-hot vector; range check and sum check
/// combined by the second joint randomness element. The draft's text adds `r ·` each
/// ParallelSum output to the range check; its vectors (and libprio 0.16, which the deployed
/// aggregators run) add the output alone, and so does this circuit: with the factor, the
/// verifier's first element differs from every vector's.
public struct Draft08HistogramCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, chunkLength: Int
    public init?(length: Int, chunkLength: Int) {
        guard length > 0, chunkLength > 0 else { return nil }
        (self.length, self.chunkLength) = (length, chunkLength)
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length }
    public var jointRandLen: Int { 2 }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { length }
    public func encode(_ measurement: UInt64) -> [F]? { HistogramCircuit<F>(length: length, chunkLength: chunkLength)?.encode(measurement) }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let sharesInverse = F(UInt64(numShares)).inverse()
        let rangeCheck = chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength, sharesInverse: sharesInverse, runningPowers: true, call)
        var sumCheck = -sharesInverse
        for b in meas { sumCheck = sumCheck + b }
        return [jointRand[1] * rangeCheck + jointRand[1] * jointRand[1] * sumCheck]
    }
    public func truncate(_ meas: [F]) -> [F] { meas }
}

/// Prio3MultiHotHistogram of the draft-08 vectors (Field128): a vector of `length` booleans of
/// which at most `maxCount` are set. Not in draft 08's text: the reference code of that time and
/// libprio 0.16 have it, and its vectors (`Prio3MultiHotHistogram_0/1.json`) pin it down; it is
/// draft 09's MultihotCountVec under its older name: the count plus an offset, so that every
/// count up to `maxCount` fits the bits, is sent as bits, the range check covers them too, and
/// the count check compares it with the sum of the vector.
public struct Draft08MultiHotHistogramCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, maxCount: UInt64, chunkLength: Int
    let bitsForCount: Int, offset: UInt64
    public init?(length: Int, maxCount: UInt64, chunkLength: Int) {
        guard length > 0, maxCount > 0, maxCount <= UInt64(length), chunkLength > 0 else { return nil }
        (self.length, self.maxCount, self.chunkLength) = (length, maxCount, chunkLength)
        bitsForCount = bitLength(maxCount)
        offset = (bitsForCount >= 64 ? UInt64.max : (UInt64(1) << UInt64(bitsForCount)) - 1) - maxCount
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length + bitsForCount + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length + bitsForCount }
    public var jointRandLen: Int { 2 }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { length }
    public func encode(_ measurement: [Bool]) -> [F]? {
        guard measurement.count == length else { return nil }
        let count = UInt64(measurement.filter { $0 }.count)
        guard count <= maxCount, let bits: [F] = encodeBits(count + offset, bits: bitsForCount) else { return nil }
        return measurement.map { $0 ? F.one : F.zero } + bits
    }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let sharesInverse = F(UInt64(numShares)).inverse()
        let rangeCheck = chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength, sharesInverse: sharesInverse, runningPowers: true, call)
        var count = F.zero
        for x in meas[..<length] { count = count + x }
        let countCheck = F(offset) * sharesInverse + count - decodeBits(meas[length...])
        return [jointRand[1] * rangeCheck + jointRand[1] * jointRand[1] * countCheck]
    }
    public func truncate(_ meas: [F]) -> [F] { Array(meas[..<length]) }
}
