import Primitives

/// The FLP gadgets of draft-irtf-cfrg-vdaf-20, Appendix "FLP Gadgets": Mul, PolyEval and
/// ParallelSum, over the polynomial ring in the Lagrange basis as the draft computes them. Draft
/// 08 has the same gadgets (its Range2 is PolyEval of x² − x) and works in the monomial basis
/// (`FLP.gadgetCoefficients`).
public indirect enum Gadget<F: PrioField>: Sendable {
    /// inp[0] · inp[1], degree 2.
    case mul
    /// p(inp[0]) for the polynomial of these coefficients (lowest first, leading zeros
    /// stripped), with `n` = next_power_of_2(gadget_poly_len(degree, wire_poly_len(calls))).
    case polyEval(coefficients: [Int64], n: Int)
    /// The sum of `count` calls of the subcircuit on consecutive slices of the input.
    case parallelSum(Gadget<F>, count: Int)

    /// PolyEval as the draft's constructor makes it for `calls` calls.
    public static func polyEval(_ coefficients: [Int64], calls: Int) -> Gadget<F> {
        var p = coefficients
        while let last = p.last, last == 0, p.count > 1 { p.removeLast() }
        let degree = p.count - 1
        let n = nextPowerOfTwo(gadgetPolyLen(degree: degree, wirePolyLen: wirePolyLen(calls)))
        return .polyEval(coefficients: p, n: n)
    }

    public var arity: Int {
        switch self {
        case .mul: 2
        case .polyEval: 1
        case .parallelSum(let sub, let count): sub.arity * count
        }
    }

    public var degree: Int {
        switch self {
        case .mul: 2
        case .polyEval(let p, _): p.count - 1
        case .parallelSum(let sub, _): sub.degree
        }
    }

    static func element(_ c: Int64) -> F {
        c >= 0 ? F(UInt64(c)) : -F(c.magnitude)
    }

    public func eval(_ inp: ArraySlice<F>) -> F {
        switch self {
        case .mul:
            return inp[inp.startIndex] * inp[inp.startIndex + 1]
        case .polyEval(let p, _):
            return VDAF.polyEval(p.map(Gadget.element), inp[inp.startIndex])
        case .parallelSum(let sub, let count):
            var out = F.zero
            for i in 0..<count {
                let start = inp.startIndex + i * sub.arity
                out = out + sub.eval(inp[start..<(start + sub.arity)])
            }
            return out
        }
    }

    /// The gadget over polynomials given in the Lagrange basis (each of the same power-of-two
    /// length).
    package func evalPoly(_ inpPoly: ArraySlice<[F]>) -> [F] {
        switch self {
        case .mul:
            return Lagrange<F>.polyMul(inpPoly[inpPoly.startIndex], inpPoly[inpPoly.startIndex + 1])
        case .polyEval(let p, let n):
            let first = inpPoly[inpPoly.startIndex]
            let monomial = F.invNtt(first, first.count)
            let values = F.ntt(monomial, n, setS: false)
            let coefficients = p.map(Gadget.element)
            return values.map { VDAF.polyEval(coefficients, $0) }
        case .parallelSum(let sub, let count):
            let length = nextPowerOfTwo(gadgetPolyLen(degree: degree, wirePolyLen: inpPoly[inpPoly.startIndex].count))
            var sum = [F](repeating: .zero, count: length)
            for i in 0..<count {
                let start = inpPoly.startIndex + i * sub.arity
                let current = sub.evalPoly(inpPoly[start..<(start + sub.arity)])
                for j in 0..<length where j < current.count { sum[j] = sum[j] + current[j] }
            }
            return sum
        }
    }
}

/// next_power_of_2(n): the smallest power of two at least n (1 for n <= 1).
package func nextPowerOfTwo(_ n: Int) -> Int {
    var p = 1
    while p < n { p <<= 1 }
    return p
}

/// wire_poly_len: next_power_of_2(1 + calls).
package func wirePolyLen(_ calls: Int) -> Int { nextPowerOfTwo(1 + calls) }

/// gadget_poly_len: degree · (wire_poly_len − 1) + 1.
package func gadgetPolyLen(degree: Int, wirePolyLen: Int) -> Int { degree * (wirePolyLen - 1) + 1 }
