import Primitives

/// Prio3 (draft-irtf-cfrg-vdaf-20, section "Prio3"): the client's shard, the aggregators'
/// verification (verify_init, verifier_shares_to_message, verify_next), aggregation and the
/// collector's unshard, with the draft's encodings of every message, byte for byte.
public enum Prio3Error: Error, Equatable, Sendable, CustomStringConvertible {
    case badParameters(String)
    case badMeasurement
    case decode(String)
    case flp(FLPError)
    case verifierCheckFailed
    case jointRandomnessCheckFailed
    case xof

    public var description: String {
        switch self {
        case .badParameters(let s): "bad parameters: \(s)"
        case .badMeasurement: "the measurement is not in the circuit's domain"
        case .decode(let s): "cannot decode \(s)"
        case .flp(let e): "FLP: \(e)"
        case .verifierCheckFailed: "proof verifier check failed"
        case .jointRandomnessCheckFailed: "joint randomness check failed"
        case .xof: "XOF input too long"
        }
    }
}

/// An aggregator's input share: the Leader's holds its measurement and proof shares; a Helper's
/// is a seed they are expanded from; each has a blind when the circuit uses joint randomness.
public enum Prio3InputShare<F: PrioField>: Equatable, Sendable {
    case leader(measurement: [F], proofs: [F], blind: [UInt8]?)
    case helper(seed: [UInt8], blind: [UInt8]?)
}

public struct Prio3VerifyState<F: PrioField>: Equatable, Sendable {
    public let outShare: [F]
    public let correctedJointRandSeed: [UInt8]?
}

public struct Prio3VerifierShare<F: PrioField>: Equatable, Sendable {
    public let verifiers: [F]
    public let jointRandPart: [UInt8]?
}

public struct Prio3<V: ValidityCircuit>: Sendable {
    public typealias F = V.F
    public static var version: UInt8 { 18 }
    public static var seedSize: Int { XofTurboShake128.seedSize }
    public static var nonceSize: Int { 16 }
    static var usageMeasShare: UInt16 { 1 }
    static var usageProofShare: UInt16 { 2 }
    static var usageJointRandomness: UInt16 { 3 }
    static var usageProveRandomness: UInt16 { 4 }
    static var usageQueryRandomness: UInt16 { 5 }
    static var usageJointRandSeed: UInt16 { 6 }
    static var usageJointRandPart: UInt16 { 7 }

    public let flp: FLP<V>
    public let id: UInt32
    public let shares: Int
    public let proofs: Int

    public init(circuit: V, id: UInt32, shares: Int = 2, proofs: Int = 1) throws(Prio3Error) {
        guard (2..<256).contains(shares) else { throw .badParameters("shares must be from 2 to 255") }
        guard (1..<256).contains(proofs) else { throw .badParameters("proofs must be from 1 to 255") }
        flp = FLP(circuit)
        self.id = id
        self.shares = shares
        self.proofs = proofs
    }

    var circuit: V { flp.circuit }
    var usesJointRand: Bool { circuit.jointRandLen > 0 }
    public var verifyKeySize: Int { Self.seedSize }
    public var randSize: Int { Self.seedSize * shares * (usesJointRand ? 2 : 1) }

    func dst(_ usage: UInt16, _ ctx: [UInt8]) -> [UInt8] {
        [Self.version, 0, UInt8(id >> 24), UInt8((id >> 16) & 0xff), UInt8((id >> 8) & 0xff), UInt8(id & 0xff),
         UInt8(usage >> 8), UInt8(usage & 0xff)] + ctx
    }

    func expand(_ seed: [UInt8], _ dst: [UInt8], _ binder: [UInt8], _ length: Int) throws(Prio3Error) -> [F] {
        var xof: XofTurboShake128
        do { xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder) } catch { throw .xof }
        var out: [F] = []
        out.reserveCapacity(length)
        while out.count < length {
            let bytes = xof.next(F.encodedSize)
            if let x = F.fromMaskedBytes(bytes[...]) { out.append(x) }
        }
        return out
    }

    func deriveSeed(_ seed: [UInt8], _ dst: [UInt8], _ binder: [UInt8]) throws(Prio3Error) -> [UInt8] {
        do { return try XofTurboShake128.deriveSeed(seed: seed, dst: dst, binder: binder) } catch { throw .xof }
    }

    func helperMeasShare(_ ctx: [UInt8], _ aggID: Int, _ share: [UInt8]) throws(Prio3Error) -> [F] {
        try expand(share, dst(Self.usageMeasShare, ctx), [UInt8(aggID)], circuit.measLen)
    }

    func helperProofsShare(_ ctx: [UInt8], _ aggID: Int, _ share: [UInt8]) throws(Prio3Error) -> [F] {
        try expand(share, dst(Self.usageProofShare, ctx), [UInt8(proofs), UInt8(aggID)], circuit.proofLen * proofs)
    }

    func proveRands(_ ctx: [UInt8], _ seed: [UInt8]) throws(Prio3Error) -> [F] {
        try expand(seed, dst(Self.usageProveRandomness, ctx), [UInt8(proofs)], circuit.proveRandLen * proofs)
    }

    func queryRands(_ verifyKey: [UInt8], _ ctx: [UInt8], _ nonce: [UInt8]) throws(Prio3Error) -> [F] {
        try expand(verifyKey, dst(Self.usageQueryRandomness, ctx), [UInt8(proofs)] + nonce, circuit.queryRandLen * proofs)
    }

    func jointRandPart(_ ctx: [UInt8], _ aggID: Int, _ blind: [UInt8], _ measShare: [F], _ nonce: [UInt8]) throws(Prio3Error) -> [UInt8] {
        try deriveSeed(blind, dst(Self.usageJointRandPart, ctx), [UInt8(aggID)] + nonce + F.encodeVec(measShare))
    }

    func jointRandSeed(_ ctx: [UInt8], _ parts: [[UInt8]]) throws(Prio3Error) -> [UInt8] {
        try deriveSeed([UInt8](repeating: 0, count: Self.seedSize), dst(Self.usageJointRandSeed, ctx), parts.flatMap { $0 })
    }

    func jointRands(_ ctx: [UInt8], _ seed: [UInt8]) throws(Prio3Error) -> [F] {
        try expand(seed, dst(Self.usageJointRandomness, ctx), [UInt8(proofs)], circuit.jointRandLen * proofs)
    }

    // MARK: Sharding (the client)

    /// The public share (joint randomness parts, or nil) and one input share per aggregator.
    public func shard(_ ctx: [UInt8], _ measurement: V.Measurement, nonce: [UInt8], rand: [UInt8]) throws(Prio3Error)
        -> (publicShare: [[UInt8]]?, inputShares: [Prio3InputShare<F>])
    {
        guard nonce.count == Self.nonceSize else { throw .badParameters("the nonce must be 16 bytes") }
        guard rand.count == randSize else { throw .badParameters("rand must be \(randSize) bytes") }
        guard let meas = circuit.encode(measurement) else { throw .badMeasurement }
        let l = Self.seedSize
        var seeds = stride(from: 0, to: rand.count, by: l).map { Array(rand[$0..<($0 + l)]) }[...]
        if !usesJointRand {
            let helperShares = Array(seeds.prefix(shares - 1))
            seeds = seeds.dropFirst(shares - 1)
            let proveSeed = seeds[seeds.startIndex]
            var leaderMeas = meas
            for j in 0..<(shares - 1) { leaderMeas = vecSub(leaderMeas, try helperMeasShare(ctx, j + 1, helperShares[j])) }
            var proveLeft = try proveRands(ctx, proveSeed)[...]
            var leaderProofs: [F] = []
            for _ in 0..<proofs {
                let pr = Array(proveLeft.prefix(circuit.proveRandLen))
                proveLeft = proveLeft.dropFirst(circuit.proveRandLen)
                do { leaderProofs += try flp.prove(meas, proveRand: pr, jointRand: []) } catch { throw .flp(error) }
            }
            for j in 0..<(shares - 1) { leaderProofs = vecSub(leaderProofs, try helperProofsShare(ctx, j + 1, helperShares[j])) }
            return (nil, [.leader(measurement: leaderMeas, proofs: leaderProofs, blind: nil)]
                    + helperShares.map { .helper(seed: $0, blind: nil) })
        }
        let helperSeeds = Array(seeds.prefix((shares - 1) * 2))
        seeds = seeds.dropFirst((shares - 1) * 2)
        let helperShares = stride(from: 0, to: helperSeeds.count, by: 2).map { helperSeeds[$0] }
        let helperBlinds = stride(from: 1, to: helperSeeds.count, by: 2).map { helperSeeds[$0] }
        let leaderBlind = seeds[seeds.startIndex], proveSeed = seeds[seeds.startIndex + 1]
        var leaderMeas = meas
        var parts: [[UInt8]] = []
        for j in 0..<(shares - 1) {
            let helperMeas = try helperMeasShare(ctx, j + 1, helperShares[j])
            leaderMeas = vecSub(leaderMeas, helperMeas)
            parts.append(try jointRandPart(ctx, j + 1, helperBlinds[j], helperMeas, nonce))
        }
        parts.insert(try jointRandPart(ctx, 0, leaderBlind, leaderMeas, nonce), at: 0)
        var proveLeft = try proveRands(ctx, proveSeed)[...]
        var jointLeft = try jointRands(ctx, try jointRandSeed(ctx, parts))[...]
        var leaderProofs: [F] = []
        for _ in 0..<proofs {
            let pr = Array(proveLeft.prefix(circuit.proveRandLen))
            proveLeft = proveLeft.dropFirst(circuit.proveRandLen)
            let jr = Array(jointLeft.prefix(circuit.jointRandLen))
            jointLeft = jointLeft.dropFirst(circuit.jointRandLen)
            do { leaderProofs += try flp.prove(meas, proveRand: pr, jointRand: jr) } catch { throw .flp(error) }
        }
        for j in 0..<(shares - 1) { leaderProofs = vecSub(leaderProofs, try helperProofsShare(ctx, j + 1, helperShares[j])) }
        return (parts, [.leader(measurement: leaderMeas, proofs: leaderProofs, blind: leaderBlind)]
                + (0..<(shares - 1)).map { .helper(seed: helperShares[$0], blind: helperBlinds[$0]) })
    }

    // MARK: Verification (the aggregators)

    public func verifyInit(verifyKey: [UInt8], ctx: [UInt8], aggID: Int, nonce: [UInt8], publicShare: [[UInt8]]?,
                           inputShare: Prio3InputShare<F>) throws(Prio3Error)
        -> (state: Prio3VerifyState<F>, share: Prio3VerifierShare<F>)
    {
        guard verifyKey.count == verifyKeySize else { throw .badParameters("the verify key must be \(verifyKeySize) bytes") }
        guard nonce.count == Self.nonceSize else { throw .badParameters("the nonce must be 16 bytes") }
        guard aggID >= 0, aggID < shares else { throw .badParameters("aggregator id out of range") }
        let measShare: [F], proofsShare: [F], blind: [UInt8]?
        switch inputShare {
        case .leader(let m, let p, let b):
            guard aggID == 0 else { throw .decode("a Leader share for a Helper") }
            (measShare, proofsShare, blind) = (m, p, b)
        case .helper(let seed, let b):
            guard aggID > 0 else { throw .decode("a Helper share for the Leader") }
            measShare = try helperMeasShare(ctx, aggID, seed)
            proofsShare = try helperProofsShare(ctx, aggID, seed)
            blind = b
        }
        guard measShare.count == circuit.measLen, proofsShare.count == circuit.proofLen * proofs else { throw .decode("input share") }
        let outShare = circuit.truncate(measShare)
        var jointLeft: ArraySlice<F> = []
        var corrected: [UInt8]?, part: [UInt8]?
        if usesJointRand {
            guard let blind, var parts = publicShare, parts.count == shares else { throw .decode("public share or blind") }
            let mine = try jointRandPart(ctx, aggID, blind, measShare, nonce)
            parts[aggID] = mine
            part = mine
            let seed = try jointRandSeed(ctx, parts)
            corrected = seed
            jointLeft = try jointRands(ctx, seed)[...]
        }
        var queryLeft = try queryRands(verifyKey, ctx, nonce)[...]
        var proofsLeft = proofsShare[...]
        var verifiers: [F] = []
        for _ in 0..<proofs {
            let proof = Array(proofsLeft.prefix(circuit.proofLen))
            proofsLeft = proofsLeft.dropFirst(circuit.proofLen)
            let qr = Array(queryLeft.prefix(circuit.queryRandLen))
            queryLeft = queryLeft.dropFirst(circuit.queryRandLen)
            let jr = Array(jointLeft.prefix(circuit.jointRandLen))
            jointLeft = jointLeft.dropFirst(circuit.jointRandLen)
            do { verifiers += try flp.query(measShare, proof: proof, queryRand: qr, jointRand: jr, numShares: shares) } catch { throw .flp(error) }
        }
        return (Prio3VerifyState(outShare: outShare, correctedJointRandSeed: corrected), Prio3VerifierShare(verifiers: verifiers, jointRandPart: part))
    }

    /// Combines the verifier shares; throws when a proof does not verify. The message is the
    /// joint randomness seed (nil without joint randomness).
    public func verifierSharesToMessage(ctx: [UInt8], _ verifierShares: [Prio3VerifierShare<F>]) throws(Prio3Error) -> [UInt8]? {
        let length = circuit.verifierLen * proofs
        var verifiers = [F](repeating: .zero, count: length)
        var parts: [[UInt8]] = []
        for share in verifierShares {
            guard share.verifiers.count == length else { throw .decode("verifier share") }
            verifiers = vecAdd(verifiers, share.verifiers)
            if usesJointRand {
                guard let part = share.jointRandPart else { throw .decode("verifier share without its joint randomness part") }
                parts.append(part)
            }
        }
        for i in 0..<proofs where !flp.decide(verifiers[(i * circuit.verifierLen)..<((i + 1) * circuit.verifierLen)]) {
            throw .verifierCheckFailed
        }
        return usesJointRand ? try jointRandSeed(ctx, parts) : nil
    }

    public func verifyNext(_ state: Prio3VerifyState<F>, message: [UInt8]?) throws(Prio3Error) -> [F] {
        guard message == state.correctedJointRandSeed else { throw .jointRandomnessCheckFailed }
        return state.outShare
    }

    // MARK: Aggregation and unsharding

    public func aggregate(_ outShares: [[F]]) -> [F] {
        outShares.reduce([F](repeating: .zero, count: circuit.outputLen)) { vecAdd($0, $1) }
    }

    /// The sum of the aggregate shares, as integers (each a field element's value).
    public func unshard(_ aggShares: [[F]]) -> [F] { aggregate(aggShares) }

    // MARK: Encodings

    public func encodePublicShare(_ share: [[UInt8]]?) -> [UInt8] { share?.flatMap { $0 } ?? [] }

    public func decodePublicShare(_ bytes: [UInt8]) throws(Prio3Error) -> [[UInt8]]? {
        guard usesJointRand else {
            guard bytes.isEmpty else { throw .decode("public share: expected empty") }
            return nil
        }
        guard bytes.count == Self.seedSize * shares else { throw .decode("public share: \(bytes.count) bytes") }
        return stride(from: 0, to: bytes.count, by: Self.seedSize).map { Array(bytes[$0..<($0 + Self.seedSize)]) }
    }

    public func encodeInputShare(_ share: Prio3InputShare<F>) -> [UInt8] {
        switch share {
        case .leader(let m, let p, let b): F.encodeVec(m) + F.encodeVec(p) + (b ?? [])
        case .helper(let s, let b): s + (b ?? [])
        }
    }

    public func decodeInputShare(_ bytes: [UInt8], aggID: Int) throws(Prio3Error) -> Prio3InputShare<F> {
        let blindLength = usesJointRand ? Self.seedSize : 0
        if aggID == 0 {
            let measBytes = circuit.measLen * F.encodedSize, proofBytes = circuit.proofLen * proofs * F.encodedSize
            guard bytes.count == measBytes + proofBytes + blindLength,
                  let m = F.decodeVec(Array(bytes[0..<measBytes])),
                  let p = F.decodeVec(Array(bytes[measBytes..<(measBytes + proofBytes)])) else { throw .decode("Leader input share") }
            return .leader(measurement: m, proofs: p, blind: usesJointRand ? Array(bytes[(measBytes + proofBytes)...]) : nil)
        }
        guard bytes.count == Self.seedSize + blindLength else { throw .decode("Helper input share") }
        return .helper(seed: Array(bytes[0..<Self.seedSize]), blind: usesJointRand ? Array(bytes[Self.seedSize...]) : nil)
    }

    public func encodeVerifierShare(_ share: Prio3VerifierShare<F>) -> [UInt8] { F.encodeVec(share.verifiers) + (share.jointRandPart ?? []) }

    public func decodeVerifierShare(_ bytes: [UInt8]) throws(Prio3Error) -> Prio3VerifierShare<F> {
        let vBytes = circuit.verifierLen * proofs * F.encodedSize
        let partLength = usesJointRand ? Self.seedSize : 0
        guard bytes.count == vBytes + partLength, let v = F.decodeVec(Array(bytes[0..<vBytes])) else { throw .decode("verifier share") }
        return Prio3VerifierShare(verifiers: v, jointRandPart: usesJointRand ? Array(bytes[vBytes...]) : nil)
    }

    public func encodeVerifierMessage(_ message: [UInt8]?) -> [UInt8] { message ?? [] }

    public func decodeVerifierMessage(_ bytes: [UInt8]) throws(Prio3Error) -> [UInt8]? {
        if usesJointRand {
            guard bytes.count == Self.seedSize else { throw .decode("verifier message") }
            return bytes
        }
        guard bytes.isEmpty else { throw .decode("verifier message: expected empty") }
        return nil
    }

    public func encodeShare(_ v: [F]) -> [UInt8] { F.encodeVec(v) }

    public func decodeShare(_ bytes: [UInt8]) throws(Prio3Error) -> [F] {
        guard let v = F.decodeVec(bytes), v.count == circuit.outputLen else { throw .decode("output or aggregate share") }
        return v
    }
}

/// The draft's variants.
public enum Prio3Variants {
    public static func count(shares: Int = 2) throws(Prio3Error) -> Prio3<CountCircuit<Field64>> {
        try Prio3(circuit: CountCircuit(), id: 1, shares: shares)
    }
    public static func sum(maxMeasurement: UInt64, shares: Int = 2) throws(Prio3Error) -> Prio3<SumCircuit<Field64>> {
        guard let c = SumCircuit<Field64>(maxMeasurement: maxMeasurement) else { throw .badParameters("max_measurement") }
        return try Prio3(circuit: c, id: 2, shares: shares)
    }
    public static func sumVec(length: Int, maxMeasurement: UInt64, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<SumVecCircuit<Field128>> {
        guard let c = SumVecCircuit<Field128>(length: length, maxMeasurement: maxMeasurement, chunkLength: chunkLength) else { throw .badParameters("SumVec") }
        return try Prio3(circuit: c, id: 3, shares: shares)
    }
    public static func histogram(length: Int, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<HistogramCircuit<Field128>> {
        guard let c = HistogramCircuit<Field128>(length: length, chunkLength: chunkLength) else { throw .badParameters("Histogram") }
        return try Prio3(circuit: c, id: 4, shares: shares)
    }
    public static func multihotCountVec(length: Int, maxWeight: UInt64, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<MultihotCountVecCircuit<Field128>> {
        guard let c = MultihotCountVecCircuit<Field128>(length: length, maxWeight: maxWeight, chunkLength: chunkLength) else { throw .badParameters("MultihotCountVec") }
        return try Prio3(circuit: c, id: 5, shares: shares)
    }
}
