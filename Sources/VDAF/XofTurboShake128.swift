import Primitives

/// The VDAF draft's XofTurboShake128 (section "XofTurboShake128") on TurboSHAKE128 with D = 1,
/// framed as the draft of the instance says:
///
/// - draft 20 (and 18, 19): m = to_le_bytes(len(dst), 2) + dst + to_le_bytes(len(seed), 1) + seed + binder;
///   seeds of 32 bytes.
/// - draft 08: m = to_le_bytes(len(dst), 1) + dst + seed + binder; seeds of 16 bytes.
///
/// `next(_:)` streams: successive calls return successive bytes of TurboSHAKE128(m, 1, ...), which
/// is what the draft's `next()` returns (it recomputes the stream and keeps the last `length`
/// bytes). TurboSHAKE is branch-free; the framing depends on lengths only.
public struct XofTurboShake128: Sendable {
    /// The seed length of draft 20 (what `deriveSeed` returns without a draft).
    public static let seedSize = VDAFDraft.draft20.seedSize

    public enum XofError: Error, Equatable, CustomStringConvertible {
        /// The seed is longer than 255 bytes.
        case seedTooLong
        /// The domain separation tag is longer than the draft allows (65535 bytes; 255 in draft 08).
        case dstTooLong

        public var description: String {
            switch self {
            case .seedTooLong: "a seed longer than 255 bytes"
            case .dstTooLong: "a domain separation tag longer than the draft allows"
            }
        }
    }

    private var sponge: TurboShake128

    public init(seed: [UInt8], dst: [UInt8], binder: [UInt8], draft: VDAFDraft = .draft20) throws(XofError) {
        guard seed.count <= 255 else { throw .seedTooLong }
        var sponge = TurboShake128(domain: 0x01)
        switch draft {
        case .draft08:
            guard dst.count <= 255 else { throw .dstTooLong }
            sponge.absorb([UInt8(truncatingIfNeeded: dst.count)])
            sponge.absorb(dst)
        case .draft20:
            guard dst.count <= 65535 else { throw .dstTooLong }
            sponge.absorb([UInt8(truncatingIfNeeded: dst.count), UInt8(truncatingIfNeeded: dst.count >> 8)])
            sponge.absorb(dst)
            sponge.absorb([UInt8(truncatingIfNeeded: seed.count)])
        }
        sponge.absorb(seed)
        sponge.absorb(binder)
        self.sponge = sponge
    }

    /// The next `length` bytes of the stream (none if `length` is not positive).
    public mutating func next(_ length: Int) -> [UInt8] {
        sponge.squeeze(length)
    }

    /// The draft's `derive_seed`: the first `draft.seedSize` bytes of the stream.
    public static func deriveSeed(seed: [UInt8], dst: [UInt8], binder: [UInt8], draft: VDAFDraft = .draft20) throws(XofError) -> [UInt8] {
        var xof = try XofTurboShake128(seed: seed, dst: dst, binder: binder, draft: draft)
        return xof.next(draft.seedSize)
    }
}
