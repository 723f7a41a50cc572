/// Secret files of a shape `anonymous-summary secret` never writes, each with its shape in words:
/// the library's reader (and so the tool) refuses every one.
package enum GuessableSecrets {
    package static let all: [(String, String)] = [
        (String(repeating: "0", count: 64), "all zero"),
        (String(repeating: "f", count: 64), "one digit"),
        (String(repeating: "ab", count: 32), "one byte"),
        (String(repeating: "deadbeef", count: 8), "a word repeated"),
        (String(repeating: "0123456789abcdef", count: 4), "the digits repeated"),
        (String(repeating: "2d1e53035a52d284b19cade27079fcfb", count: 2), "a 128-bit secret twice"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "a counter"),
        ("00f000f100f200f300f400f500f600f700f800f900fa00fb00fc00fd00fe00ff", "a 16-bit counter"),
        ("3141592653589793238462643383279502884197169399375105820974944592", "decimal digits"),
        ("636f727265637420686f727365206261747465727920737461706c6520313233", "a passphrase in hex"),
        ("2d1e53035a52d284b19cade27079fcfb" + String(repeating: "0", count: 32), "a 128-bit secret padded"),
        ("095ba291d98a87779edcfae4be1bdb34" + String(repeating: "0", count: 16) + "a3a9859e7e87ee97", "zeros inside"),
        ("2d1e53035a52d284b19cade27079fcfb", "128 bits, too short"),
        ("095ba291d98a87779edcfae4be1bdb3448af429a3a9859e7e87ee97e964c78ba4af12dbff59cc966b144c7aca0db4caf99f21381130541e7fa52117cfdb796fa", "too long"),
        ("correct horse battery staple", "not hex"),
    ]
}
