/// The YAML 1.2 core schema's reading of a plain scalar. Used only to show a document as
/// JSON (`anonymous-summary parse`) and to compare with the YAML test suite; the walker
/// reads strings and never resolves anything.
public enum CoreSchema {
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// Canonical decimal digits (sign included), of any size.
        case integer(String)
        case float(Double)
        case string(String)
    }

    public static func isNull(_ s: String) -> Bool {
        s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    /// The same, on a value's bytes.
    static func isNull(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch b.count {
        case 0: return true
        case 1: return b[0] == UInt8(ascii: "~")
        case 4:
            let n = b[0], rest = (b[1], b[2], b[3])
            if n == UInt8(ascii: "n") || n == UInt8(ascii: "N") {
                if rest == (UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")) { return true }
                if n == UInt8(ascii: "N") && rest == (UInt8(ascii: "U"), UInt8(ascii: "L"), UInt8(ascii: "L")) { return true }
            }
            return false
        default: return false
        }
    }

    /// Resolve a scalar: only plain scalars are resolved; every other style is a string.
    public static func resolve(_ value: String, style: ScalarStyle) -> Value {
        guard style == .plain else { return .string(value) }
        return resolvePlain(value)
    }

    public static func resolvePlain(_ s: String) -> Value {
        if isNull(s) { return .null }
        switch s {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let u = Array(s.utf8)
        if let i = integer(u) { return .integer(i) }
        if isFloat(u), let d = Double(s) { return .float(d) }
        return .string(s)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`
    private static func integer(_ u: [UInt8]) -> String? {
        guard !u.isEmpty else { return nil }
        if u.count > 2 && u[0] == 48 && (u[1] == 0x6F || u[1] == 0x78) {
            let radix: UInt64 = u[1] == 0x6F ? 8 : 16
            var value: UInt64 = 0
            for c in u[2...] {
                let d: UInt64
                switch c {
                case 48...57: d = UInt64(c - 48)
                case 97...102 where radix == 16: d = UInt64(c - 87)
                case 65...70 where radix == 16: d = UInt64(c - 55)
                default: return nil
                }
                if d >= radix { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: radix)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { return nil }
                value = a
            }
            return String(value)
        }
        var start = 0
        var negative = false
        if u[0] == 45 || u[0] == 43 { negative = u[0] == 45; start = 1 }
        guard start < u.count else { return nil }
        for c in u[start...] where !isDigit(c) { return nil }
        var digits = u[start...].drop { $0 == 48 }
        if digits.isEmpty { digits = [48][...] }
        let text = String(decoding: digits, as: UTF8.self)
        return negative && text != "0" ? "-" + text : text
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ u: [UInt8]) -> Bool {
        var i = 0
        if i < u.count && (u[i] == 45 || u[i] == 43) { i += 1 }
        var intDigits = 0, fracDigits = 0
        while i < u.count && isDigit(u[i]) { i += 1; intDigits += 1 }
        if i < u.count && u[i] == 46 {
            i += 1
            while i < u.count && isDigit(u[i]) { i += 1; fracDigits += 1 }
            if intDigits == 0 && fracDigits == 0 { return false }
        } else if intDigits == 0 {
            return false
        }
        if i < u.count && (u[i] == 101 || u[i] == 69) {
            i += 1
            if i < u.count && (u[i] == 45 || u[i] == 43) { i += 1 }
            var expDigits = 0
            while i < u.count && isDigit(u[i]) { i += 1; expDigits += 1 }
            if expDigits == 0 { return false }
        }
        return i == u.count
    }
}
