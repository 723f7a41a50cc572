/// The exponential function, for the mechanism's probabilities, without Foundation (the
/// standard library has no `exp`): Cody–Waite reduction by ln 2 and a Taylor series on the
/// remainder, accurate to a few units in the last place (a relative error under 2e-15) over the range the mechanism uses
/// (checked against known values in `LocalPrivacyTests`).
package enum Elementary {
    package static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let ln2Hi = 6.931_471_803_691_238_164_90e-01
        let ln2Lo = 1.908_214_929_270_587_700_02e-10
        let k = (x / 0.693_147_180_559_945_3).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo          // |r| <= ln 2 / 2
        var term = 1.0, sum = 1.0
        for n in 1...22 {
            term *= r / Double(n)
            sum += term
        }
        // sum * 2^k, in two steps so that neither overflows on the way.
        let half = Int(k) / 2
        return sum * Double(sign: .plus, exponent: half, significand: 1)
            * Double(sign: .plus, exponent: Int(k) - half, significand: 1)
    }
}
