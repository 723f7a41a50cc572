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
            var ikm = [UInt8](repeating: 0, count: 32)
            for i in ikm.indices { ikm[i] = UInt8(truncatingIfNeeded: rng.next()) }
            guard let pair = try? HPKE.deriveKeyPair(ikm: ikm) else { throw CLIFailure(code: .software, message: "hpke keypair: no key pair could be derived") }
            print(CLI.hex(pair.privateKey) + " " + CLI.hex(pair.publicKey))
        case "seal":
            let aead: HPKE.AEAD = flags["--aead"]?.last == "aes128gcm" ? .aes128gcm : .chacha20poly1305
            let publicKey = try value("--public-key", count: 32)
            let info = try value("--info"), aad = try value("--aad"), plaintext = try value("--plaintext")
            do {
                let (enc, ct) = try HPKE.seal(aead, recipientPublicKey: publicKey, info: info, aad: aad, plaintext: plaintext, using: &rng)
                print(CLI.hex(enc) + " " + CLI.hex(ct))
            } catch {
                // The only key X25519 refuses is one whose shared secret is all zero (a low-order point).
                throw CLIFailure(code: .usage, message: "--public-key: not a usable X25519 public key (a low-order point: every shared secret would be zero)")
            }
        default:
            let aead: HPKE.AEAD = flags["--aead"]?.last == "aes128gcm" ? .aes128gcm : .chacha20poly1305
            let enc = try value("--enc", count: 32), privateKey = try value("--private-key", count: 32)
            let info = try value("--info"), aad = try value("--aad"), ciphertext = try value("--ciphertext")
            do {
                print(CLI.hex(try HPKE.open(aead, enc: enc, recipientPrivateKey: privateKey, info: info, aad: aad, ciphertext: ciphertext)))
            } catch {
                throw CLIFailure(code: .dataError, message: "hpke open: the ciphertext does not open: it was not sealed to this key "
                                 + "with this enc, info and aad, or it was altered")
            }
        }
    }
}
