import Primitives

/// Prio3 (draft-irtf-cfrg-vdaf-20, section "Prio3", and draft-irtf-cfrg-vdaf-08, section "Prio3",
/// the draft a value of each instance): the client's shard, the aggregators' verification
/// (verify_init, verifier_shares_to_message, verify_next; draft 08's prep_init,
/// prep_shares_to_prep, prep_next), aggregation and the collector's unshard, with the draft's
/// encodings of every message, byte for byte.
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
/// is seeds they are expanded from (draft 20: one `seed` for both, `proofsSeed` nil; draft 08:
/// `seed` for the measurement share and `proofsSeed` for the proofs share); each has a blind
/// when the circuit uses joint randomness.
public enum Prio3InputShare<F: PrioField>: Equatable, Sendable {
    case leader(measurement: [F], proofs: [F], blind: [UInt8]?)
    case helper(seed: [UInt8], proofsSeed: [UInt8]?, blind: [UInt8]?)
}

public struct Prio3VerifyState<F: PrioField>: Equatable, Sendable {
    public let outShare: [F]
    public let correctedJointRandSeed: [UInt8]?
}

public struct Prio3VerifierShare<F: PrioField>: Equatable, Sendable {
    public let verifiers: [F]
    public let jointRandPart: [UInt8]?
}

/// One Prio3 instance: a validity circuit, its algorithm id, the number of aggregators and
/// proofs, and the VDAF draft it speaks (`VDAFDraft`), which decides every byte on the wire.
public struct Prio3<V: ValidityCircuit>: Sendable {
    public typealias F = V.F
    public static var nonceSize: Int { 16 }
    static var usageMeasShare: UInt16 { 1 }
    static var usageProofShare: UInt16 { 2 }
    static var usageJointRandomness: UInt16 { 3 }
    static var usageProveRandomness: UInt16 { 4 }
    static var usageQueryRandomness: UInt16 { 5 }
    static var usageJointRandSeed: UInt16 { 6 }
    static var usageJointRandPart: UInt16 { 7 }

    package let flp: FLP<V>
    public let id: UInt32
    public let shares: Int
    public let proofs: Int
    /// The draft this instance speaks: the domain separation tags, the XOF's framing, the seed
    /// size, the input shares' layout and the proof's encoding all follow it.
    public let draft: VDAFDraft

    /// A Prio3 instance of `draft` (default: draft 20). The circuit must be the draft's own:
    /// `Prio3Variants` builds each draft's variants with its ids and circuits.
    public init(circuit: V, id: UInt32, draft: VDAFDraft = .draft20, shares: Int = 2, proofs: Int = 1) throws(Prio3Error) {
        guard (2..<256).contains(shares) else { throw .badParameters("shares must be from 2 to 255") }
        guard (1..<256).contains(proofs) else { throw .badParameters("proofs must be from 1 to 255") }
        flp = FLP(circuit, draft: draft)
        self.id = id
        self.draft = draft
        self.shares = shares
        self.proofs = proofs
    }

    /// The validity circuit (its lengths: `measLen`, `outputLen`, ...).
    public var circuit: V { flp.circuit }
    var usesJointRand: Bool { circuit.jointRandLen > 0 }
    /// Xof.SEED_SIZE of the instance's draft: seeds, blinds, joint randomness parts.
    public var seedSize: Int { draft.seedSize }
    public var verifyKeySize: Int { seedSize }
    /// Seeds a Helper's input share is expanded from: draft 08 has one for the measurement
    /// share and one for the proofs share, draft 20 one for both.
    var helperSeeds: Int { draft == .draft08 ? 2 : 1 }
    /// RAND_SIZE: each Helper's seeds (and blind), the Leader's blind, the prover's seed.
    public var randSize: Int { seedSize * ((shares - 1) * (helperSeeds + (usesJointRand ? 1 : 0)) + (usesJointRand ? 1 : 0) + 1) }

    /// The domain separation tag: VERSION, class 0, the algorithm id, the usage (big-endian),
    /// then the application context (none in draft 08).
    func dst(_ usage: UInt16, _ ctx: [UInt8]) -> [UInt8] {
        [draft.version, 0, UInt8(id >> 24), UInt8((id >> 16) & 0xff), UInt8((id >> 8) & 0xff), UInt8(id & 0xff),
         UInt8(usage >> 8), UInt8(usage & 0xff)] + (draft.hasApplicationContext ? ctx : [])
    }

    /// Draft 08 has no application context: a caller who passes one expects it bound into the
    /// report, and it would not be.
    func checkContext(_ ctx: [UInt8]) throws(Prio3Error) {
        guard draft.hasApplicationContext || ctx.isEmpty else { throw .badParameters("\(draft) has no application context: ctx must be empty") }
    }

    func expand(_ seed: [UInt8], _ dst: [UInt8], _ binder: [UInt8], _ length: Int) throws(Prio3Error) -> [F] {
        var xof: XofTurboShake128
        do { xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder, draft: draft) } catch { throw .xof }
        var out: [F] = []
        out.reserveCapacity(length)
        while out.count < length {
            let bytes = xof.next(F.encodedSize)
            if let x = F.fromMaskedBytes(bytes[...]) { out.append(x) }
        }
        return out
    }

    func deriveSeed(_ seed: [UInt8], _ dst: [UInt8], _ binder: [UInt8]) throws(Prio3Error) -> [UInt8] {
        do { return try XofTurboShake128.deriveSeed(seed: seed, dst: dst, binder: binder, draft: draft) } catch { throw .xof }
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
        try deriveSeed([UInt8](repeating: 0, count: seedSize), dst(Self.usageJointRandSeed, ctx), parts.flatMap { $0 })
    }

    /// The joint randomness of each proof (empty ones without joint randomness).
    func jointRands(_ ctx: [UInt8], _ seed: [UInt8]?) throws(Prio3Error) -> [[F]] {
        guard let seed else { return [[F]](repeating: [], count: proofs) }
        return chunks(try expand(seed, dst(Self.usageJointRandomness, ctx), [UInt8(proofs)], circuit.jointRandLen * proofs),
                      circuit.jointRandLen)
    }

    /// The draft's repeated `front(n, v)`: v cut into `proofs` consecutive pieces of `n`.
    func chunks<T>(_ v: [T], _ n: Int) -> [[T]] {
        (0..<proofs).map { i in Array(v[min(i * n, v.count)..<min((i + 1) * n, v.count)]) }
    }

    /// The Helper's measurement and proofs shares, expanded from its seed(s).
    func expandHelper(_ ctx: [UInt8], _ aggID: Int, seed: [UInt8], proofsSeed: [UInt8]?) throws(Prio3Error) -> (meas: [F], proofs: [F]) {
        let proofsSeed = draft == .draft08 ? proofsSeed : seed
        guard seed.count == seedSize, let proofsSeed, proofsSeed.count == seedSize else { throw .decode("Helper input share") }
        return (try helperMeasShare(ctx, aggID, seed), try helperProofsShare(ctx, aggID, proofsSeed))
    }

    // MARK: Sharding (the client)

    /// The public share (joint randomness parts, or nil) and one input share per aggregator.
    public func shard(_ ctx: [UInt8], _ measurement: V.Measurement, nonce: [UInt8], rand: [UInt8]) throws(Prio3Error)
        -> (publicShare: [[UInt8]]?, inputShares: [Prio3InputShare<F>])
    {
        try checkContext(ctx)
        guard nonce.count == Self.nonceSize else { throw .badParameters("the nonce must be 16 bytes") }
        guard rand.count == randSize else { throw .badParameters("rand must be \(randSize) bytes") }
        guard let meas = circuit.encode(measurement) else { throw .badMeasurement }
        // rand, cut into seeds: each Helper's (share seed or seeds, then its blind), the
        // Leader's blind, the prover's seed.
        let l = seedSize, perHelper = helperSeeds + (usesJointRand ? 1 : 0)
        let seeds = stride(from: 0, to: rand.count, by: l).map { Array(rand[$0..<($0 + l)]) }
        var helpers: [Prio3InputShare<F>] = []
        var leaderMeas = meas, helperProofs: [[F]] = []
        var parts: [[UInt8]] = []
        for j in 1..<shares {
            let mine = seeds[((j - 1) * perHelper)..<(j * perHelper)]
            let seed = mine[mine.startIndex]
            let proofsSeed = draft == .draft08 ? mine[mine.startIndex + 1] : nil
            let blind = usesJointRand ? mine[mine.endIndex - 1] : nil
            let (helperMeas, proofsShare) = try expandHelper(ctx, j, seed: seed, proofsSeed: proofsSeed)
            leaderMeas = vecSub(leaderMeas, helperMeas)
            helperProofs.append(proofsShare)
            if let blind { parts.append(try jointRandPart(ctx, j, blind, helperMeas, nonce)) }
            helpers.append(.helper(seed: seed, proofsSeed: proofsSeed, blind: blind))
        }
        var rest = seeds[((shares - 1) * perHelper)...]
        let leaderBlind = usesJointRand ? rest.removeFirst() : nil
        let proveSeed = rest[rest.startIndex]
        if let leaderBlind { parts.insert(try jointRandPart(ctx, 0, leaderBlind, leaderMeas, nonce), at: 0) }
        let publicShare = usesJointRand ? parts : nil
        let jointRands = try jointRands(ctx, usesJointRand ? try jointRandSeed(ctx, parts) : nil)
        let proveRands = chunks(try proveRands(ctx, proveSeed), circuit.proveRandLen)
        var leaderProofs: [F] = []
        for i in 0..<proofs {
            do { leaderProofs += try flp.prove(meas, proveRand: proveRands[i], jointRand: jointRands[i]) } catch { throw .flp(error) }
        }
        for proofsShare in helperProofs { leaderProofs = vecSub(leaderProofs, proofsShare) }
        return (publicShare, [.leader(measurement: leaderMeas, proofs: leaderProofs, blind: leaderBlind)] + helpers)
    }

    // MARK: Verification (the aggregators)

    public func verifyInit(verifyKey: [UInt8], ctx: [UInt8], aggID: Int, nonce: [UInt8], publicShare: [[UInt8]]?,
                           inputShare: Prio3InputShare<F>) throws(Prio3Error)
        -> (state: Prio3VerifyState<F>, share: Prio3VerifierShare<F>)
    {
        guard verifyKey.count == verifyKeySize else { throw .badParameters("the verify key must be \(verifyKeySize) bytes") }
        guard nonce.count == Self.nonceSize else { throw .badParameters("the nonce must be 16 bytes") }
        guard aggID >= 0, aggID < shares else { throw .badParameters("aggregator id out of range") }
        try checkContext(ctx)
        let measShare: [F], proofsShare: [F], blind: [UInt8]?
        switch inputShare {
        case .leader(let m, let p, let b):
            guard aggID == 0 else { throw .decode("a Leader share for a Helper") }
            (measShare, proofsShare, blind) = (m, p, b)
        case .helper(let seed, let proofsSeed, let b):
            guard aggID > 0 else { throw .decode("a Helper share for the Leader") }
            (measShare, proofsShare) = try expandHelper(ctx, aggID, seed: seed, proofsSeed: proofsSeed)
            blind = b
        }
        guard measShare.count == circuit.measLen, proofsShare.count == circuit.proofLen * proofs else { throw .decode("input share") }
        let outShare = circuit.truncate(measShare)
        var corrected: [UInt8]?, part: [UInt8]?
        if usesJointRand {
            guard let blind, blind.count == seedSize, var parts = publicShare, parts.count == shares else { throw .decode("public share or blind") }
            let mine = try jointRandPart(ctx, aggID, blind, measShare, nonce)
            parts[aggID] = mine
            part = mine
            corrected = try jointRandSeed(ctx, parts)
        }
        let jointRands = try jointRands(ctx, corrected)
        let queryRands = chunks(try queryRands(verifyKey, ctx, nonce), circuit.queryRandLen)
        let proofShares = chunks(proofsShare, circuit.proofLen)
        var verifiers: [F] = []
        for i in 0..<proofs {
            do {
                verifiers += try flp.query(measShare, proof: proofShares[i], queryRand: queryRands[i], jointRand: jointRands[i], numShares: shares)
            } catch { throw .flp(error) }
        }
        return (Prio3VerifyState(outShare: outShare, correctedJointRandSeed: corrected), Prio3VerifierShare(verifiers: verifiers, jointRandPart: part))
    }

    /// Combines the verifier shares; throws when a proof does not verify. The message is the
    /// joint randomness seed (nil without joint randomness).
    public func verifierSharesToMessage(ctx: [UInt8], _ verifierShares: [Prio3VerifierShare<F>]) throws(Prio3Error) -> [UInt8]? {
        try checkContext(ctx)
        guard verifierShares.count == shares else { throw .decode("\(verifierShares.count) verifier shares for \(shares) aggregators") }
        let length = circuit.verifierLen * proofs
        var verifiers = [F](repeating: .zero, count: length)
        var parts: [[UInt8]] = []
        for share in verifierShares {
            guard share.verifiers.count == length else { throw .decode("verifier share") }
            verifiers = vecAdd(verifiers, share.verifiers)
            if usesJointRand {
                guard let part = share.jointRandPart, part.count == seedSize else { throw .decode("verifier share without its joint randomness part") }
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
        guard bytes.count == seedSize * shares else { throw .decode("public share: \(bytes.count) bytes") }
        return stride(from: 0, to: bytes.count, by: seedSize).map { Array(bytes[$0..<($0 + seedSize)]) }
    }

    public func encodeInputShare(_ share: Prio3InputShare<F>) -> [UInt8] {
        switch share {
        case .leader(let m, let p, let b): F.encodeVec(m) + F.encodeVec(p) + (b ?? [])
        case .helper(let s, let p, let b): s + (p ?? []) + (b ?? [])
        }
    }

    public func decodeInputShare(_ bytes: [UInt8], aggID: Int) throws(Prio3Error) -> Prio3InputShare<F> {
        let blindLength = usesJointRand ? seedSize : 0
        if aggID == 0 {
            let measBytes = circuit.measLen * F.encodedSize, proofBytes = circuit.proofLen * proofs * F.encodedSize
            guard bytes.count == measBytes + proofBytes + blindLength,
                  let m = F.decodeVec(Array(bytes[0..<measBytes])),
                  let p = F.decodeVec(Array(bytes[measBytes..<(measBytes + proofBytes)])) else { throw .decode("Leader input share") }
            return .leader(measurement: m, proofs: p, blind: usesJointRand ? Array(bytes[(measBytes + proofBytes)...]) : nil)
        }
        let seedsLength = seedSize * helperSeeds
        guard bytes.count == seedsLength + blindLength else { throw .decode("Helper input share") }
        return .helper(seed: Array(bytes[0..<seedSize]), proofsSeed: draft == .draft08 ? Array(bytes[seedSize..<seedsLength]) : nil,
                       blind: usesJointRand ? Array(bytes[seedsLength...]) : nil)
    }

    public func encodeVerifierShare(_ share: Prio3VerifierShare<F>) -> [UInt8] { F.encodeVec(share.verifiers) + (share.jointRandPart ?? []) }

    public func decodeVerifierShare(_ bytes: [UInt8]) throws(Prio3Error) -> Prio3VerifierShare<F> {
        let vBytes = circuit.verifierLen * proofs * F.encodedSize
        let partLength = usesJointRand ? seedSize : 0
        guard bytes.count == vBytes + partLength, let v = F.decodeVec(Array(bytes[0..<vBytes])) else { throw .decode("verifier share") }
        return Prio3VerifierShare(verifiers: v, jointRandPart: usesJointRand ? Array(bytes[vBytes...]) : nil)
    }

    public func encodeVerifierMessage(_ message: [UInt8]?) -> [UInt8] { message ?? [] }

    public func decodeVerifierMessage(_ bytes: [UInt8]) throws(Prio3Error) -> [UInt8]? {
        if usesJointRand {
            guard bytes.count == seedSize else { throw .decode("verifier message") }
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

/// The drafts' variants, each with its draft's algorithm id.
public enum Prio3Variants {
    /// Prio3Count (Field64, no joint randomness): the one circuit both drafts share; its id is 0
    /// in draft 08 and 1 in draft 20.
    public static func count(draft: VDAFDraft = .draft20, shares: Int = 2) throws(Prio3Error) -> Prio3<CountCircuit<Field64>> {
        try Prio3(circuit: CountCircuit(), id: draft == .draft08 ? 0 : 1, draft: draft, shares: shares)
    }

    // Draft 20 (and 18, 19).

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

    /// Draft 08's variants (what Janus 0.7, Firefox and Daphne run), ids from its codepoint table.
    public enum Draft08 {
        public static func count(shares: Int = 2) throws(Prio3Error) -> Prio3<CountCircuit<Field64>> {
            try Prio3Variants.count(draft: .draft08, shares: shares)
        }
        /// Integers in [0, 2^bits).
        public static func sum(bits: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<Draft08SumCircuit<Field128>> {
            guard let c = Draft08SumCircuit<Field128>(bits: bits) else { throw .badParameters("bits") }
            return try Prio3(circuit: c, id: 1, draft: .draft08, shares: shares)
        }
        public static func sumVec(length: Int, bits: Int, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<Draft08SumVecCircuit<Field128>> {
            guard let c = Draft08SumVecCircuit<Field128>(length: length, bits: bits, chunkLength: chunkLength) else { throw .badParameters("SumVec") }
            return try Prio3(circuit: c, id: 2, draft: .draft08, shares: shares)
        }
        public static func histogram(length: Int, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<Draft08HistogramCircuit<Field128>> {
            guard let c = Draft08HistogramCircuit<Field128>(length: length, chunkLength: chunkLength) else { throw .badParameters("Histogram") }
            return try Prio3(circuit: c, id: 3, draft: .draft08, shares: shares)
        }
        /// Not in draft 08's codepoint table (which reserves 4 to 0xFFF for Prio3): the id its
        /// vectors were made with.
        public static func multiHotHistogram(length: Int, maxCount: UInt64, chunkLength: Int, shares: Int = 2) throws(Prio3Error) -> Prio3<Draft08MultiHotHistogramCircuit<Field128>> {
            guard let c = Draft08MultiHotHistogramCircuit<Field128>(length: length, maxCount: maxCount, chunkLength: chunkLength) else { throw .badParameters("MultiHotHistogram") }
            return try Prio3(circuit: c, id: multiHotHistogramID, draft: .draft08, shares: shares)
        }
        static let multiHotHistogramID: UInt32 = 0xFFFF_FFFF
    }
}
