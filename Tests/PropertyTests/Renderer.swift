import AnonymousSummary
import LocalPrivacy
import UsageReport
import SummaryChecks
import TestSupport
/// Writes a tree as YAML text in varied styles, every choice drawn from a choice source:
/// block or flow collections, plain, single-quoted, double-quoted and literal block scalars,
/// comments (holding user-like text), indentation widths of 2 to 4, sequences indented or not
/// under their key, a document marker, CRLF line ends. Every style it picks is one the parser
/// reads, so a tree must come back as itself (property 5).
struct Renderer {
    let source: ChoiceSource
    var indentWidth = 2
    private(set) var styles: Set<String> = []

    init(source: ChoiceSource) { self.source = source }

    private func draw(_ n: Int) -> Int { Int(source.draw(UInt64(n))) }
    private func chance(_ oneIn: Int) -> Bool { draw(oneIn) == oneIn - 1 }

    mutating func render(_ tree: Tree, commentText: String) -> String {
        indentWidth = 2 + draw(3)
        var out = ""
        if chance(4) { out += "# \(oneLine(commentText))\n"; styles.insert("comment") }
        if chance(5) { out += "---\n"; styles.insert("document marker") }
        switch tree {
        case .map(let entries) where !entries.isEmpty: block(entries, indent: 0, commentText: commentText, into: &out)
        case .seq(let items) where !items.isEmpty: blockSeq(items, indent: 0, commentText: commentText, into: &out)
        default: out += flow(tree) + "\n"
        }
        if chance(5) {
            styles.insert("CRLF")
            out = out.replacingAll("\n", with: "\r\n")
        }
        return out
    }

    private func oneLine(_ s: String) -> String {
        String(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
            && $0 != "\u{2028}" && $0 != "\u{2029}" && $0 != "\u{FEFF}" }.map(Character.init))
    }

    // MARK: Block collections

    private mutating func block(_ entries: [Tree.Entry], indent: Int, commentText: String, into out: inout String, firstInline: Bool = false) {
        let pad = String(repeating: " ", count: indent)
        for (i, entry) in entries.enumerated() {
            let lead = (i == 0 && firstInline) ? "" : pad
            if !(i == 0 && firstInline) && chance(8) {
                out += pad + "# " + oneLine(commentText) + "\n"
                styles.insert("comment")
            }
            out += lead + key(entry.key) + ":"
            value(entry.value, indent: indent, commentText: commentText, into: &out)
        }
    }

    /// The value after `key:` at `indent`.
    private mutating func value(_ value: Tree, indent: Int, commentText: String, into out: inout String) {
        switch value {
        case .null, .scalar:
            if case .scalar(let s) = value, let literal = literalBlock(s, indent: indent + indentWidth) {
                out += " " + literal
                return
            }
            let text = scalar(value, flow: false)
            out += (text.isEmpty ? "" : " " + text)
            if chance(6) && !text.isEmpty { out += " # " + oneLine(commentText); styles.insert("comment") }
            out += "\n"
        case .seq(let items) where items.isEmpty || chance(5):
            out += " " + flow(value) + "\n"
        case .map(let entries) where entries.isEmpty || chance(5):
            out += " " + flow(value) + "\n"
        case .seq(let items):
            out += "\n"
            let sameIndent = chance(2)
            styles.insert(sameIndent ? "sequence at key's indent" : "sequence indented")
            blockSeq(items, indent: sameIndent ? indent : indent + indentWidth, commentText: commentText, into: &out)
        case .map(let entries):
            out += "\n"
            block(entries, indent: indent + indentWidth, commentText: commentText, into: &out)
        }
    }

    private mutating func blockSeq(_ items: [Tree], indent: Int, commentText: String, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .map(let entries) where !entries.isEmpty && !chance(6):
                out += pad + "- "
                block(entries, indent: indent + 2, commentText: commentText, into: &out, firstInline: true)
            case .seq(let inner) where !inner.isEmpty && !chance(4):
                out += pad + "-\n"
                blockSeq(inner, indent: indent + 2, commentText: commentText, into: &out)
            case .scalar(let s):
                if let literal = literalBlock(s, indent: indent + 2) {
                    out += pad + "- " + literal
                } else {
                    out += pad + "- " + scalar(item, flow: false) + "\n"
                }
            default:
                let text = flow(item)
                out += pad + (text.isEmpty ? "-" : "- " + text) + "\n"
            }
        }
    }

    // MARK: Flow collections and scalars

    private mutating func flow(_ tree: Tree) -> String {
        switch tree {
        case .null, .scalar: return scalar(tree, flow: true)
        case .seq(let items):
            styles.insert("flow sequence")
            return "[" + items.map { flow($0) }.joined(separator: ", ") + "]"
        case .map(let entries):
            styles.insert("flow mapping")
            return "{" + entries.map { key($0.key) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        }
    }

    private mutating func key(_ s: String) -> String {
        if Self.plainSafe(s, flow: true) && draw(4) > 0 { return s }
        if Self.singleQuotable(s) && chance(2) { styles.insert("single-quoted"); return "'" + s.replacingAll("'", with: "''") + "'" }
        styles.insert("double-quoted")
        return Self.doubleQuoted(s)
    }

    private mutating func scalar(_ tree: Tree, flow: Bool) -> String {
        guard case .scalar(let s) = tree else {
            styles.insert("null")
            return flow ? ["null", "~"][draw(2)] : ["", "null", "~"][draw(3)]
        }
        let pick = draw(4)
        if pick < 2 && Self.plainSafe(s, flow: flow) {
            styles.insert("plain")
            return s
        }
        if pick == 2 && Self.singleQuotable(s) {
            styles.insert("single-quoted")
            return "'" + s.replacingAll("'", with: "''") + "'"
        }
        styles.insert("double-quoted")
        return Self.doubleQuoted(s)
    }

    /// `|`/`|-` and the content lines, when `s` can be written so and the dice say so.
    private mutating func literalBlock(_ s: String, indent: Int) -> String? {
        guard !s.isEmpty, chance(3) else { return nil }
        guard let first = s.unicodeScalars.first, first != " ", first != "\t", first != "\n" else { return nil }
        for u in s.unicodeScalars where (u.value < 0x20 && u != "\n" && u != "\t") || u.value == 0x7F
            || (0x80...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}" { return nil }
        var body = s
        let header: String
        if s.hasSuffix("\n\n") { return nil }
        if s.hasSuffix("\n") { header = "|"; body.removeLast() } else { header = "|-" }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines where !line.isEmpty && line.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
        styles.insert("literal block")
        let pad = String(repeating: " ", count: indent)
        return header + "\n" + lines.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n") + "\n"
    }

    /// Plain only where no YAML reading could differ: a conservative character set.
    static func plainSafe(_ s: String, flow: Bool) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, last != " " else { return false }
        func word(_ u: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u) || u == "_"
        }
        guard word(first) else { return false }
        var previous: Unicode.Scalar = first
        for u in s.unicodeScalars {
            guard word(u) || u == " " || u == "." || u == "-" || u == "/" else { return false }
            if u == " " && previous == " " { return false }  // two spaces in a row
            previous = u
        }
        return true
    }

    static func singleQuotable(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { u in
            u.value >= 0x20 && u.value != 0x7F && !(0x80...0x9F).contains(u.value)
                && u != "\u{2028}" && u != "\u{2029}" && u != "\u{FEFF}"
        }
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            case "\u{85}": out += "\\N"
            case "\u{FEFF}": out += "\\uFEFF"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) {
                    out += "\\x" + String(u.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        // Most strings do not hold the target at all.
        guard let first = target.unicodeScalars.first, unicodeScalars.contains(first) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
