/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-known generator whose whole state is
/// one 64-bit word, so a run is reproduced from the seed printed with any failure. For tests and
/// simulations only (the property harness, the statistical tests of LDP mode): never a source
/// of the mechanism's randomness.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `n` bytes, one from each of `n` words.
    package mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }

    /// A uniform value in [0, 1) from the top 53 bits of a word.
    package mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}
