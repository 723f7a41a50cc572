import Foundation
import HPKE
import DifferentialPrivacy

/// `anonymous-summary hpke keypair | seal | open`: HPKE (RFC 9180, base mode, DHKEM(X25519,
/// HKDF-SHA256), HKDF-SHA256) from the command line, every value in hex, for checking this
/// implementation against another one (`Scripts/hpke-interop` runs it against pyhpke).
enum HPKECommand {
    static var usage: String { CommandTable.hpke.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.hpke)
        let flags = parsed.flags
        /// An option's hex value; a value that is not hex, or not `count` bytes, cannot work (64).
        func value(_ name: String, count: Int? = nil) throws(CLIFailure) -> [UInt8] {
            guard let text = flags[name]?.last else { return [] }
            guard let bytes = hexBytes(text) else { throw CLIFailure(code: .usage, message: "\(name): '\(text)' is not hex") }
            if let count, bytes.count != count {
                throw CLIFailure(code: .usage, message: "\(name): an X25519 key is \(count) bytes (\(2 * count) hex digits), not \(bytes.count)")
            }
            return bytes
        }
        var rng = BufferedSystemRandom()
        switch parsed.verb {
        case "keypair":
            let key = HPKEPrivateKey(using: &rng)
            print(CLI.hex(key.rawRepresentation) + " " + CLI.hex(key.publicKey.rawRepresentation))
        case "seal":
            let suite = HPKECiphersuite(aead: flags["--aead"]?.last == "aes128gcm" ? .aes128GCM : .chaCha20Poly1305)
            let publicKey = try value("--public-key", count: 32)
            let info = try value("--info"), aad = try value("--aad"), plaintext = try value("--plaintext")
            do {
                var sender = try HPKESender(recipientKey: try HPKEPublicKey(rawRepresentation: publicKey), ciphersuite: suite, info: info, using: &rng)
                let ct = try sender.seal(plaintext, authenticating: aad)
                print(CLI.hex(sender.encapsulatedKey) + " " + CLI.hex(ct))
            } catch {
                // The only key X25519 refuses is one whose shared secret is all zero (a low-order point).
                throw CLIFailure(code: .usage, message: "--public-key: not a usable X25519 public key (a low-order point: every shared secret would be zero)")
            }
        default:
            let suite = HPKECiphersuite(aead: flags["--aead"]?.last == "aes128gcm" ? .aes128GCM : .chaCha20Poly1305)
            let enc = try value("--enc", count: 32), privateKey = try value("--private-key", count: 32)
            let info = try value("--info"), aad = try value("--aad"), ciphertext = try value("--ciphertext")
            do {
                var recipient = try HPKERecipient(privateKey: try HPKEPrivateKey(rawRepresentation: privateKey), ciphersuite: suite,
                                                  info: info, encapsulatedKey: enc)
                print(CLI.hex(try recipient.open(ciphertext, authenticating: aad)))
            } catch {
                throw CLIFailure(code: .dataError, message: "hpke open: the ciphertext does not open: it was not sealed to this key "
                                 + "with this enc, info and aad, or it was altered")
            }
        }
    }

    /// `text` as bytes, two hex digits each; nil if it is not hex.
    static func hexBytes(_ text: String) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
