import LocalPrivacy
import DifferentialPrivacy
import Primitives
/// Why a line of collected payloads was not counted. Every rejected line is counted under one
/// of these names and never echoed: its text came from whoever reached the collector.
///
/// The reader stops at the first thing wrong with a line, so a line is counted once, under the
/// first reason found in this order: size, bytes (NUL, UTF-8), JSON syntax, then the shape of
/// the payload field by field.
public enum RejectionReason: String, Error, CaseIterable, Sendable, Hashable, Comparable {
    /// Longer than `PayloadReader.maxLineLength` bytes; skipped without being held in memory.
    case tooLong = "too_long"
    /// Only white space.
    case emptyLine = "empty_line"
    /// A NUL byte anywhere in the line.
    case nulByte = "nul_byte"
    /// Not valid UTF-8 (overlong forms, surrogates, truncated sequences, bytes over U+10FFFF).
    case invalidUTF8 = "invalid_utf8"
    /// Not JSON: a bad token, an unterminated string, text after the closing brace.
    case notJSON = "not_json"
    /// A string with a control character, an unknown escape or a lone surrogate (`\ud800`).
    case badString = "bad_string"
    /// JSON, but not an object.
    case notAnObject = "not_an_object"
    /// A key the payload's closed shape does not have (at the top, in a component, in the
    /// LDP fields).
    case unknownKey = "unknown_key"
    /// A key given twice in one object (general JSON parsers keep one silently).
    case duplicateKey = "duplicate_key"
    /// A required key is missing (`id`, `uptime`, `components`; `type` or `name` in a component).
    case missingKey = "missing_key"
    /// `id` is not a lower-case version-4 UUID string.
    case badID = "bad_id"
    /// `uptime` is not an integer from 0 to 2^53 - 1 (no sign, fraction or exponent).
    case badUptime = "bad_uptime"
    /// `components` is not an array of objects.
    case badComponent = "bad_component"
    /// A component's `type`, or a key of `unlisted`/`malformed`, is not one of the nine kinds.
    case unknownKind = "unknown_kind"
    /// A component's `name` is not in the catalogue for its kind.
    case unknownPlugin = "unknown_plugin"
    /// `unlisted`/`malformed` is not a non-empty object of kind -> integer from 1 to 2^53 - 1.
    case badCount = "bad_count"
    /// Not a line: an instance id whose payloads disagree about the components (counted once
    /// per id, whatever the number of lines; the payload with the greatest uptime stands).
    case conflict = "conflict"
    /// An LDP payload whose `mechanism` is not one this report knows.
    case unknownMechanism = "unknown_mechanism"
    /// An LDP payload whose `epsilon` is not a positive decimal number within the allowed range.
    case badEpsilon = "bad_epsilon"
    /// An LDP payload for a catalogue other than the report's (its fingerprint differs).
    case unknownCatalog = "unknown_catalog"
    /// An LDP payload whose `bits` are not a string of the catalogue's width in the
    /// payload's alphabet.
    case badBits = "bad_bits"

    public static func < (a: RejectionReason, b: RejectionReason) -> Bool { a.rawValue < b.rawValue }
}
