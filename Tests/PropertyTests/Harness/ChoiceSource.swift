import Primitives
import SummaryChecks

/// Where every random choice of a generator comes from, and where it is recorded.
///
/// As in Hypothesis, a generated value is a function of the sequence of choices made while
/// generating it. A fresh source draws from a seeded `SplitMix64` and records each choice;
/// a replaying source reads a given sequence (and answers 0, the simplest choice, past its
/// end). Shrinking edits recorded sequences and replays them, so it works for every generator
/// without one shrinker per type: generators only have to make 0 mean "simplest".
final class ChoiceSource {
    private(set) var choices: [UInt64] = []
    private let replay: [UInt64]?
    private var rng: SplitMix64
    private var index = 0
    /// Sequences longer than this are abandoned (a generator that never stops).
    static let maxChoices = 20_000
    private(set) var overrun = false

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
        replay = nil
    }

    init(replaying choices: [UInt64]) {
        rng = SplitMix64(seed: 0)
        replay = choices
    }

    /// A choice in `0..<bound` (`bound` ≥ 1). Smaller is simpler.
    func draw(_ bound: UInt64) -> UInt64 {
        precondition(bound >= 1)
        guard choices.count < Self.maxChoices else { overrun = true; return 0 }
        let value: UInt64
        if let replay {
            value = index < replay.count ? min(replay[index], bound - 1) : 0
        } else {
            value = rng.next() % bound
        }
        index += 1
        choices.append(value)
        return value
    }
}
