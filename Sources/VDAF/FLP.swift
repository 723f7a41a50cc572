import Primitives

/// The fully linear proof of BBCGGI19 as the VDAF drafts specify it: prove, query and decide over
/// any validity circuit. Draft 20 ("FLP Specification") sends each gadget polynomial as its
/// evaluations (Lagrange basis); draft 08 ("A General-Purpose FLP") as its coefficients, and the
/// verifier evaluates it in the monomial basis. The wire seeds, the verifier's layout and
/// `decide` are the same in both.
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

package struct FLP<V: ValidityCircuit>: Sendable {
    package typealias F = V.F
    package let circuit: V
    package let draft: VDAFDraft

    package init(_ circuit: V, draft: VDAFDraft = .draft20) {
        self.circuit = circuit
        self.draft = draft
    }

    /// The proof for `meas` (encoded), with `proveRand` (PROVE_RAND_LEN) and `jointRand`.
    package func prove(_ meas: [F], proveRand: [F], jointRand: [F]) throws(FLPError) -> [F] {
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
            let length = gadgetPolyLen(degree: g.degree, wirePolyLen: p)
            switch draft {
            case .draft20: proof += g.evalPoly(wires[gi][...]).prefix(length)
            case .draft08: proof += Self.gadgetCoefficients(g, wires: wires[gi], length: length)
            }
        }
        return proof
    }

    /// Draft 08's gadget polynomial, as its `length` coefficients: the wire polynomials
    /// interpolated through the wire values at the powers of the P-th root of unity, evaluated at
    /// N = next_power_of_2(length) roots, the gadget applied at each, interpolated back. Exact,
    /// since the gadget polynomial's degree is below N.
    static func gadgetCoefficients(_ g: Gadget<F>, wires: [[F]], length: Int) -> [F] {
        let p = wires.first?.count ?? 0
        let n = nextPowerOfTwo(length)
        let values = wires.map { F.ntt(F.invNtt($0, p), n, setS: false) }
        var gadgetValues: [F] = []
        gadgetValues.reserveCapacity(n)
        var inputs = [F](repeating: .zero, count: wires.count)
        for k in 0..<n {
            for j in values.indices where k < values[j].count { inputs[j] = values[j][k] }
            gadgetValues.append(g.eval(inputs[...]))
        }
        return Array(F.invNtt(gadgetValues, n).prefix(length))
    }

    /// The verifier (share) from (a share of) the measurement and the proof.
    package func query(_ meas: [F], proof: [F], queryRand: [F], jointRand: [F], numShares: Int) throws(FLPError) -> [F] {
        guard meas.count == circuit.measLen, proof.count == circuit.proofLen, queryRand.count == circuit.queryRandLen,
              jointRand.count == circuit.jointRandLen else { throw .wrongLength }
        let gadgets = circuit.gadgets, calls = circuit.gadgetCalls
        var wires: [[[F]]] = []
        var polys: [[F]] = []
        var steps: [Int] = [], alphaPowers: [[F]] = []
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
            wires.append(w)
            switch draft {
            case .draft20:
                poly = Lagrange<F>.extendValuesToPowerOf2(poly, nextPowerOfTwo(poly.count))
                let size = nextPowerOfTwo(length)
                while poly.count < size { poly = Lagrange<F>.doubleEvaluations(poly) }
                polys.append(poly)
                steps.append(size / p)
            case .draft08:
                // The coefficients, and the powers of alpha = the P-th root at which call k's
                // output is the polynomial's value.
                polys.append(poly)
                alphaPowers.append(F.nthRootPowers(p))
            }
        }
        var k = [Int](repeating: 0, count: gadgets.count)
        let out = circuit.eval(meas, jointRand, numShares) { gi, inp in
            k[gi] += 1
            for (j, x) in inp.enumerated() where k[gi] < wires[gi][j].count { wires[gi][j][k[gi]] = x }
            switch draft {
            case .draft20:
                let index = k[gi] * steps[gi]
                return index < polys[gi].count ? polys[gi][index] : .zero
            case .draft08:
                return k[gi] < alphaPowers[gi].count ? polyEval(polys[gi], alphaPowers[gi][k[gi]]) : .zero
            }
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
            switch draft {
            case .draft20:
                verifier += Lagrange<F>.polyEvalBatched(wires[gi], t)
                verifier.append(Lagrange<F>.polyEval(polys[gi], t))
            case .draft08:
                verifier += wires[gi].map { polyEval(F.invNtt($0, p), t) }
                verifier.append(polyEval(polys[gi], t))
            }
        }
        return verifier
    }

    /// Whether the (summed) verifier accepts.
    package func decide(_ verifier: ArraySlice<F>) -> Bool {
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
