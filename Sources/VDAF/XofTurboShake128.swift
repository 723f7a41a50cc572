import Primitives

// The VDAF draft's XofTurboShake128 (draft-irtf-cfrg-vdaf, section "XofTurboShake128") on TurboSHAKE128.

/// The VDAF draft's XofTurboShake128 (draft-irtf-cfrg-vdaf-20): TurboSHAKE128 with D = 1 over
/// m = to_le_bytes(len(dst), 2) + dst + to_le_bytes(len(seed), 1) + seed + binder.
///
/// `next(_:)` streams: successive calls return successive bytes of TurboSHAKE128(m, 1, ...), which
/// is what the draft's `next()` returns (it recomputes the stream and keeps the last `length`
/// bytes).
public struct XofTurboShake128: Sendable {
    /// The default (and VDAF) seed length in bytes.
    public static let seedSize = 32

    public enum XofError: Error, Equatable, CustomStringConvertible {
        /// The seed is longer than 255 bytes.
        case seedTooLong
        /// The domain separation tag is longer than 65535 bytes.
        case dstTooLong

        public var description: String {
            switch self {
            case .seedTooLong: "a seed longer than 255 bytes"
            case .dstTooLong: "a domain separation tag longer than 65535 bytes"
            }
        }
    }

    private var sponge: TurboShake128

    /// m = to_le_bytes(len(dst), 2) + dst + to_le_bytes(len(seed), 1) + seed + binder;
    /// the stream is TurboSHAKE128(m, D = 1).
    public init(seed: [UInt8], dst: [UInt8], binder: [UInt8]) throws(XofError) {
        guard seed.count <= 255 else { throw .seedTooLong }
        guard dst.count <= 65535 else { throw .dstTooLong }
        var sponge = TurboShake128(domain: 0x01)
        sponge.absorb([UInt8(truncatingIfNeeded: dst.count), UInt8(truncatingIfNeeded: dst.count >> 8)])
        sponge.absorb(dst)
        sponge.absorb([UInt8(truncatingIfNeeded: seed.count)])
        sponge.absorb(seed)
        sponge.absorb(binder)
        self.sponge = sponge
    }

    /// The next `length` bytes of the stream (none if `length` is not positive).
    public mutating func next(_ length: Int) -> [UInt8] {
        sponge.squeeze(length)
    }

    /// The draft's `derive_seed`: the first `seedSize` bytes of the stream.
    public static func deriveSeed(seed: [UInt8], dst: [UInt8], binder: [UInt8]) throws(XofError) -> [UInt8] {
        var xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder)
        return xof.next(seedSize)
    }
}
