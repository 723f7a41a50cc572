import Primitives

/// The fully linear proof of BBCGGI19 as draft-irtf-cfrg-vdaf-20 specifies it ("FLP
/// Specification"): prove, query and decide over any validity circuit.
public enum FLPError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength
    case testPointIsARootOfUnity

    public var description: String {
        switch self {
        case .wrongLength: "an input of the wrong length"
        case .testPointIsARootOfUnity: "the query's test point is a root of unity"
        }
    }
}

public struct FLP<V: ValidityCircuit>: Sendable {
    public typealias F = V.F
    public let circuit: V

    public init(_ circuit: V) { self.circuit = circuit }

    /// The proof for `meas` (encoded), with `proveRand` (PROVE_RAND_LEN) and `jointRand`.
    public func prove(_ meas: [F], proveRand: [F], jointRand: [F]) throws(FLPError) -> [F] {
        guard meas.count == circuit.measLen, proveRand.count == circuit.proveRandLen, jointRand.count == circuit.jointRandLen else {
            throw .wrongLength
        }
        let gadgets = circuit.gadgets, calls = circuit.gadgetCalls
        var wires: [[[F]]] = []
        var seedAt = 0
        for (g, c) in zip(gadgets, calls) {
            let p = wirePolyLen(c)
            var w: [[F]] = []
            for _ in 0..<g.arity {
                var wire = [F](repeating: .zero, count: p)
                wire[0] = proveRand[seedAt]
                seedAt += 1
                w.append(wire)
            }
            wires.append(w)
        }
        var k = [Int](repeating: 0, count: gadgets.count)
        _ = circuit.eval(meas, jointRand, 1) { gi, inp in
            k[gi] += 1
            for (j, x) in inp.enumerated() where k[gi] < wires[gi][j].count { wires[gi][j][k[gi]] = x }
            return gadgets[gi].eval(inp)
        }
        var proof: [F] = []
        for (gi, (g, c)) in zip(gadgets, calls).enumerated() {
            let p = wirePolyLen(c)
            proof += wires[gi].map { $0[0] }
            let gadgetPoly = g.evalPoly(wires[gi][...])
            proof += gadgetPoly.prefix(gadgetPolyLen(degree: g.degree, wirePolyLen: p))
        }
        return proof
    }

    /// The verifier (share) from (a share of) the measurement and the proof.
    public func query(_ meas: [F], proof: [F], queryRand: [F], jointRand: [F], numShares: Int) throws(FLPError) -> [F] {
        guard meas.count == circuit.measLen, proof.count == circuit.proofLen, queryRand.count == circuit.queryRandLen,
              jointRand.count == circuit.jointRandLen else { throw .wrongLength }
        let gadgets = circuit.gadgets, calls = circuit.gadgetCalls
        var wires: [[[F]]] = []
        var polys: [[F]] = []
        var steps: [Int] = []
        var at = 0
        for (g, c) in zip(gadgets, calls) {
            let p = wirePolyLen(c)
            let length = gadgetPolyLen(degree: g.degree, wirePolyLen: p)
            var w: [[F]] = []
            for j in 0..<g.arity {
                var wire = [F](repeating: .zero, count: p)
                wire[0] = proof[at + j]
                w.append(wire)
            }
            at += g.arity
            var poly = Array(proof[at..<(at + length)])
            at += length
            poly = Lagrange<F>.extendValuesToPowerOf2(poly, nextPowerOfTwo(poly.count))
            let size = nextPowerOfTwo(length)
            while poly.count < size { poly = Lagrange<F>.doubleEvaluations(poly) }
            wires.append(w)
            polys.append(poly)
            steps.append(size / p)
        }
        var k = [Int](repeating: 0, count: gadgets.count)
        let out = circuit.eval(meas, jointRand, numShares) { gi, inp in
            k[gi] += 1
            for (j, x) in inp.enumerated() where k[gi] < wires[gi][j].count { wires[gi][j][k[gi]] = x }
            let index = k[gi] * steps[gi]
            return index < polys[gi].count ? polys[gi][index] : .zero
        }
        var rand = queryRand[...]
        var v = F.zero
        if circuit.evalOutputLen > 1 {
            for (r, o) in zip(rand.prefix(circuit.evalOutputLen), out) { v = v + r * o }
            rand = rand.dropFirst(circuit.evalOutputLen)
        } else {
            v = out[0]
        }
        var verifier = [v]
        for (gi, t) in zip(gadgets.indices, rand) {
            let p = wires[gi][0].count
            if t.power(UInt64(p)) == .one { throw .testPointIsARootOfUnity }
            verifier += Lagrange<F>.polyEvalBatched(wires[gi], t)
            verifier.append(Lagrange<F>.polyEval(polys[gi], t))
        }
        return verifier
    }

    /// Whether the (summed) verifier accepts.
    public func decide(_ verifier: ArraySlice<F>) -> Bool {
        guard verifier.count == circuit.verifierLen else { return false }
        var at = verifier.startIndex
        guard verifier[at] == .zero else { return false }
        at += 1
        var ok = true
        for g in circuit.gadgets {
            let wireChecks = verifier[at..<(at + g.arity)]
            at += g.arity
            if g.eval(wireChecks) != verifier[at] { ok = false }
            at += 1
        }
        return ok
    }
}
