/// Hostile inputs too large to keep in git, made on demand: `Scripts/fuzz seeds` writes them
/// beside the committed corpus, and the corpus replay in `swift test` checks them too.
public enum HostileInputs {
    /// Name (as a corpus file name) and bytes of each large hostile input.
    public static var all: [(name: String, bytes: [UInt8])] {
        [
            ("hostile-scalar-10mb-plain.yaml", Array("input:\n  generate:\n    mapping: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 10 << 20) + [0x0A]),
            ("hostile-scalar-10mb-double-quoted.yaml", Array("a: \"".utf8) + Array(repeating: UInt8(ascii: "b"), count: 10 << 20) + Array("\"\n".utf8)),
            ("hostile-nesting-100k-flow-mappings.yaml", Array(String(repeating: "{a: ", count: 100_000).utf8) + Array(repeating: UInt8(ascii: "}"), count: 100_000)),
            ("hostile-nesting-block-mappings-2000-levels.yaml", Array((0..<2000).map { String(repeating: " ", count: $0) + "k:\n" }.joined().utf8)),
            ("hostile-line-1mb-long.yaml", Array("a: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1 << 20) + [0x0A]),
            ("hostile-many-keys-200k.yaml", Array((0..<200_000).map { "k\($0): v\n" }.joined().utf8)),
            ("hostile-switch-nesting-1000-past-depth-limit.yaml", deepSwitch(levels: 1000)),
        ]
    }

    /// `switch` outputs nested `levels` deep, each case's output another switch.
    static func deepSwitch(levels: Int) -> [UInt8] {
        var text = "output:\n"
        var pad = "  "
        for _ in 0..<levels {
            text += pad + "switch:\n" + pad + "  cases:\n" + pad + "    - output:\n"
            pad += "        "
        }
        text += pad + "stdout: {}\n"
        return Array(text.utf8)
    }
}
