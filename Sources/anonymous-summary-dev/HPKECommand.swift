import Foundation
import HPKE
import DifferentialPrivacy
import CommandLineSupport

/// `anonymous-summary-dev hpke keypair | seal | open`: HPKE (RFC 9180, base mode, DHKEM(X25519,
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
            guard let bytes = CLI.bytes(hex: text) else { throw CLIFailure(code: .usage, message: "\(name): '\(text)' is not hex") }
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
}
