/// Eight bytes read as one word, so a scan can step over runs that hold none of a few bytes.
enum ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101

    /// Nonzero exactly when some byte of `w` equals `c`: the classic zero-byte test on `w` with
    /// `c` XORed out of every byte. Its answer is exact, though the bits it sets above the first
    /// match are not, so it only tells whether to look at the bytes one by one.
    @inline(__always) static func matches(_ w: UInt64, _ c: UInt8) -> UInt64 {
        let v = w ^ (UInt64(c) &* ones)
        return (v &- ones) & ~v & 0x8080_8080_8080_8080
    }
}
