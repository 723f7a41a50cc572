import Primitives

/// Validity circuits (draft-irtf-cfrg-vdaf-20, "Validity Circuits" and "Variants"): each says
/// how a measurement is encoded, which gadgets it calls and how often, and the arithmetic
/// circuit whose outputs are all zero exactly for a valid measurement.
public protocol ValidityCircuit: Sendable {
    associatedtype F: PrioField
    associatedtype Measurement
    var gadgets: [Gadget<F>] { get }
    var gadgetCalls: [Int] { get }
    var measLen: Int { get }
    var jointRandLen: Int { get }
    var evalOutputLen: Int { get }
    var outputLen: Int { get }
    /// nil for a measurement out of the circuit's domain.
    func encode(_ measurement: Measurement) -> [F]?
    /// The circuit on (a share of) the measurement; every gadget call goes through `call`
    /// (gadget index, inputs), which the prover and the verifier wrap.
    func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F]
    func truncate(_ meas: [F]) -> [F]
}

extension ValidityCircuit {
    public var proveRandLen: Int { gadgets.reduce(0) { $0 + $1.arity } }
    public var queryRandLen: Int { gadgets.count + (evalOutputLen > 1 ? evalOutputLen : 0) }
    public var proofLen: Int {
        zip(gadgets, gadgetCalls).reduce(0) { $0 + $1.0.arity + gadgetPolyLen(degree: $1.0.degree, wirePolyLen: wirePolyLen($1.1)) }
    }
    public var verifierLen: Int { gadgets.reduce(1) { $0 + $1.arity + 1 } }
}

/// encode_range_checked_int: bits − 1 binary digits and a last element of weight
/// max − (2^(bits−1) − 1). Nil if value > max.
func encodeRangeCheckedInt<F: PrioField>(_ value: UInt64, max: UInt64) -> [F]? {
    guard value <= max, max > 0 else { return nil }
    let bits = 64 - max.leadingZeroBitCount
    let restAllOnes: UInt64 = bits >= 65 ? UInt64.max : (UInt64(1) << UInt64(bits - 1)) - 1
    let lastWeight = max - restAllOnes
    let (rest, last): (UInt64, F) = value <= restAllOnes ? (value, .zero) : (value - lastWeight, .one)
    var encoded: [F] = []
    for l in 0..<(bits - 1) { encoded.append(F((rest >> UInt64(l)) & 1)) }
    encoded.append(last)
    return encoded
}

/// decode_range_checked_int (linear, so it works on shares).
func decodeRangeCheckedInt<F: PrioField>(_ encoded: ArraySlice<F>, max: UInt64) -> F {
    let bits = 64 - max.leadingZeroBitCount
    let restAllOnes: UInt64 = (UInt64(1) << UInt64(bits - 1)) - 1
    let lastWeight = max - restAllOnes
    var decoded = F.zero
    var i = encoded.startIndex
    for l in 0..<(bits - 1) {
        decoded = decoded + F(UInt64(1) << UInt64(l)) * encoded[i]
        i += 1
    }
    return decoded + F(lastWeight) * encoded[i]
}

/// The encodings of each of `length` integers, one after the other; nil if the count is not
/// `length` or an integer does not fit.
func encodeEach<F: PrioField>(_ measurement: [UInt64], length: Int, _ one: (UInt64) -> [F]?) -> [F]? {
    guard measurement.count == length else { return nil }
    var out: [F] = []
    for v in measurement {
        guard let e = one(v) else { return nil }
        out += e
    }
    return out
}

func bitLength(_ x: UInt64) -> Int { 64 - x.leadingZeroBitCount }

/// Prio3Count's circuit: meas[0]² − meas[0].
public struct CountCircuit<F: PrioField>: ValidityCircuit {
    public init() {}
    public var gadgets: [Gadget<F>] { [.mul] }
    public var gadgetCalls: [Int] { [1] }
    public var measLen: Int { 1 }
    public var jointRandLen: Int { 0 }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { 1 }
    public func encode(_ measurement: UInt64) -> [F]? { measurement <= 1 ? [F(measurement)] : nil }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let squared = call(0, [meas[0], meas[0]][...])
        return [squared - meas[0]]
    }
    public func truncate(_ meas: [F]) -> [F] { meas }
}

/// Prio3Sum's circuit: each "bit" b gives PolyEval(x² − x)(b).
public struct SumCircuit<F: PrioField>: ValidityCircuit {
    public let maxMeasurement: UInt64
    let bits: Int
    public init?(maxMeasurement: UInt64) {
        guard maxMeasurement > 0 else { return nil }
        self.maxMeasurement = maxMeasurement
        bits = bitLength(maxMeasurement)
    }
    public var gadgets: [Gadget<F>] { [Gadget<F>.polyEval([0, -1, 1], calls: bits)] }
    public var gadgetCalls: [Int] { [bits] }
    public var measLen: Int { bits }
    public var jointRandLen: Int { 0 }
    public var evalOutputLen: Int { bits }
    public var outputLen: Int { 1 }
    public func encode(_ measurement: UInt64) -> [F]? { encodeRangeCheckedInt(measurement, max: maxMeasurement) }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        meas.map { call(0, [$0][...]) }
    }
    public func truncate(_ meas: [F]) -> [F] { [decodeRangeCheckedInt(meas[...], max: maxMeasurement)] }
}

/// The range check of SumVec, Histogram and MultihotCountVec: ParallelSum(Mul) over chunks,
/// inputs r^k·x and x − 1/num_shares. Draft 20 takes a joint randomness element a call, its
/// powers starting again at each (k = j + 1); draft 08 (`runningPowers`) one element, jointRand[0],
/// whose powers run on across the calls.
func chunkedRangeCheck<F: PrioField>(_ meas: [F], _ jointRand: [F], calls: Int, chunk: Int, sharesInverse: F,
                                     runningPowers: Bool = false, _ call: (Int, ArraySlice<F>) -> F) -> F {
    var out = F.zero, rPower = F.one
    var inputs = [F](repeating: .zero, count: 2 * chunk)
    for i in 0..<calls {
        let r = runningPowers ? jointRand[0] : jointRand[i]
        if !runningPowers { rPower = .one }
        for j in 0..<chunk {
            let index = i * chunk + j
            let x = index < meas.count ? meas[index] : .zero
            rPower = rPower * r
            inputs[2 * j] = rPower * x
            inputs[2 * j + 1] = x - sharesInverse
        }
        out = out + call(0, inputs[...])
    }
    return out
}

/// Prio3SumVec's circuit.
public struct SumVecCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, maxMeasurement: UInt64, chunkLength: Int
    let bits: Int
    public init?(length: Int, maxMeasurement: UInt64, chunkLength: Int) {
        guard length > 0, maxMeasurement > 0, chunkLength > 0 else { return nil }
        self.length = length
        self.maxMeasurement = maxMeasurement
        self.chunkLength = chunkLength
        bits = bitLength(maxMeasurement)
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length * bits + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length * bits }
    public var jointRandLen: Int { gadgetCalls[0] }
    public var evalOutputLen: Int { 1 }
    public var outputLen: Int { length }
    public func encode(_ measurement: [UInt64]) -> [F]? {
        encodeEach(measurement, length: length) { encodeRangeCheckedInt($0, max: maxMeasurement) }
    }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        [chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength,
                           sharesInverse: F(UInt64(numShares)).inverse(), call)]
    }
    public func truncate(_ meas: [F]) -> [F] {
        (0..<length).map { i in decodeRangeCheckedInt(meas[(i * bits)..<((i + 1) * bits)], max: maxMeasurement) }
    }
}

/// Prio3Histogram's circuit: range check and sum check.
public struct HistogramCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, chunkLength: Int
    public init?(length: Int, chunkLength: Int) {
        guard length > 0, chunkLength > 0 else { return nil }
        self.length = length
        self.chunkLength = chunkLength
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length }
    public var jointRandLen: Int { gadgetCalls[0] }
    public var evalOutputLen: Int { 2 }
    public var outputLen: Int { length }
    /// The one-hot vector, written without a secret index: every entry is 1 exactly where the
    /// (masked) difference of its index and the measurement is zero.
    public func encode(_ measurement: UInt64) -> [F]? {
        guard measurement < UInt64(length) else { return nil }
        return (0..<length).map { i in
            let d = UInt64(i) ^ measurement
            return F(1 ^ ((d | (0 &- d)) >> 63))
        }
    }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let sharesInverse = F(UInt64(numShares)).inverse()
        let range = chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength, sharesInverse: sharesInverse, call)
        var sum = -sharesInverse
        for b in meas { sum = sum + b }
        return [range, sum]
    }
    public func truncate(_ meas: [F]) -> [F] { meas }
}

/// Prio3MultihotCountVec's circuit: range check over the vector and the weight's bits, and the
/// weight check.
public struct MultihotCountVecCircuit<F: PrioField>: ValidityCircuit {
    public let length: Int, maxWeight: UInt64, chunkLength: Int
    let bitsForWeight: Int
    public init?(length: Int, maxWeight: UInt64, chunkLength: Int) {
        guard length > 0, maxWeight > 0, maxWeight <= UInt64(length), chunkLength > 0 else { return nil }
        self.length = length
        self.maxWeight = maxWeight
        self.chunkLength = chunkLength
        bitsForWeight = bitLength(maxWeight)
    }
    public var gadgets: [Gadget<F>] { [.parallelSum(.mul, count: chunkLength)] }
    public var gadgetCalls: [Int] { [(length + bitsForWeight + chunkLength - 1) / chunkLength] }
    public var measLen: Int { length + bitsForWeight }
    public var jointRandLen: Int { gadgetCalls[0] }
    public var evalOutputLen: Int { 2 }
    public var outputLen: Int { length }
    public func encode(_ measurement: [Bool]) -> [F]? {
        guard measurement.count == length else { return nil }
        let weight = UInt64(measurement.filter { $0 }.count)
        guard let w: [F] = encodeRangeCheckedInt(weight, max: maxWeight) else { return nil }
        return measurement.map { $0 ? F.one : F.zero } + w
    }
    public func eval(_ meas: [F], _ jointRand: [F], _ numShares: Int, _ call: (Int, ArraySlice<F>) -> F) -> [F] {
        let sharesInverse = F(UInt64(numShares)).inverse()
        let range = chunkedRangeCheck(meas, jointRand, calls: gadgetCalls[0], chunk: chunkLength, sharesInverse: sharesInverse, call)
        var weight = F.zero
        for x in meas[..<length] { weight = weight + x }
        let reported = decodeRangeCheckedInt(meas[length...], max: maxWeight)
        return [range, weight - reported]
    }
    public func truncate(_ meas: [F]) -> [F] { Array(meas[..<length]) }
}
