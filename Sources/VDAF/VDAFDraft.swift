/// The VDAF draft a Prio3 instance speaks: a value each instance carries, not a constant of the
/// code. The drafts differ on the wire in everything a byte depends on, so an aggregator of one
/// draft refuses every report of the other.
///
/// - `draft08` (draft-irtf-cfrg-vdaf-08, `VERSION` 8): what the deployed aggregators run today
///   (Divvi Up / Janus 0.7 through libprio 0.16, Firefox, divviup-ts, Daphne; DAP-09).
/// - `draft20` (draft-irtf-cfrg-vdaf-20, `VERSION` 18): drafts 18 and 19 are wire-identical to
///   it (draft 20 still says `VERSION` 18); Janus main speaks it with DAP-18.
///
/// What differs between them, all of it taken from this value (docs/prio3.md, "Drafts as values"):
///
/// | | draft 08 | draft 20 |
/// |---|---|---|
/// | seeds, verify key | 16 bytes | 32 bytes |
/// | XOF message | `len(dst)` (1 byte) ‖ dst ‖ seed ‖ binder | `len(dst)` (2 bytes, LE) ‖ dst ‖ `len(seed)` ‖ seed ‖ binder |
/// | domain separation tag | `VERSION` ‖ 0 ‖ id ‖ usage | the same, then the application context `ctx` |
/// | application context | none (a non-empty `ctx` is refused) | `ctx` |
/// | a Helper's input share | a measurement seed and a proofs seed | one seed for both |
/// | the FLP's proof | gadget polynomials as coefficients (monomial basis) | as evaluations (Lagrange basis) |
/// | the circuits | one output, random linear combination inside (Sum: bits, Range2, `bits` parameter) | several outputs combined by query randomness (Sum: `max_measurement`) |
/// | algorithm ids | Count 0, Sum 1, SumVec 2, Histogram 3 | Count 1, Sum 2, SumVec 3, Histogram 4, MultihotCountVec 5 |
public enum VDAFDraft: String, Sendable, Equatable, Hashable, CaseIterable, CustomStringConvertible {
    case draft08 = "08"
    case draft20 = "20"

    /// The draft's `VERSION`, the first byte of every domain separation tag.
    public var version: UInt8 {
        switch self {
        case .draft08: 8
        case .draft20: 18
        }
    }

    /// `Xof.SEED_SIZE` of XofTurboShake128: seeds, blinds, joint randomness parts and the
    /// verify key.
    public var seedSize: Int {
        switch self {
        case .draft08: 16
        case .draft20: 32
        }
    }

    /// Whether the draft binds an application context into every domain separation tag
    /// (draft 13 on). Draft 08 has none.
    public var hasApplicationContext: Bool { self != .draft08 }

    public var description: String { "VDAF draft \(rawValue)" }
}
