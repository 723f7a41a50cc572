import LocalPrivacy
import DifferentialPrivacy
import Primitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number and text formatting without Foundation, for the report's formats.
enum Format {
    /// `x` with `digits` decimals (`0.1235` for 0.12345, 4); `-` for a negative value.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else { return String(x) }
        let whole = UInt64(scaled)
        let ints = whole / UInt64(scale)
        var text = String(ints)
        if digits > 0 {
            var frac = String(whole % UInt64(scale))
            while frac.count < digits { frac = "0" + frac }
            text += "." + frac
        }
        return (x < 0 && whole != 0 ? "-" : "") + text
    }

    /// `x` as C's `%.4g` prints it (the ledger's figures in the operator's notes, as the tool
    /// has always printed them): the C library's own formatting, which rounds the exact binary
    /// value (9.9995 is 9.99949999… and prints 9.999), not a reimplementation of it.
    static func general(_ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = withVaList([x]) { vsnprintf(&buffer, buffer.count, "%.4g", $0) }
        guard n > 0, n < buffer.count else { return String(x) }
        return String(decoding: buffer[..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `12,345`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `41.7%`.
    static func percent(_ share: Double) -> String { fixed(share * 100, 1) + "%" }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// Rows of cells as aligned columns: the first `leftAligned` columns left-aligned, the
    /// others right.
    static func columns(_ rows: [[String]], leftAligned: Int = 1, indent: String = "  ") -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: width)
        for row in rows {
            for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) }
        }
        return rows.map { row in
            var line = indent
            for (c, cell) in row.enumerated() {
                if c > 0 { line += "  " }
                line += c < leftAligned ? padRight(cell, widths[c]) : padLeft(cell, widths[c])
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The lines every JSON release opens with (`schema/report.schema.json`): what it is, the
    /// schema version, which release.
    static func reportHeader(release: String) -> [String] {
        ["  \"report\": \"anonymous-summary usage\",", "  \"version\": 2,", "  \"release\": \(json(release)),"]
    }

    /// A JSON string literal.
    static func json(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = Array("0123456789abcdef")
                    out += "\\u00" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 15)])
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A CSV field (quoted when it holds a comma, quote or line break).
    static func csv(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }

    /// A chart's line saying how many plugins it left out (`what`: "processor plugins", `beyond`:
    /// what they have in common with the drawn ones), in a row of its own.
    static func svgMore(_ count: Int, _ what: String, x: Int, y: Int, beyond: String) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" class=\"value\">"
            + xml("and \(grouped(count)) more \(what) \(beyond) (see the table, JSON or CSV)") + "</text>"
    }

    /// Text for XML content or an attribute.
    static func xml(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
