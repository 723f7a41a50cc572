import Foundation
import HPKE

/// `anonymous-summary hpke keypair | seal | open`: HPKE (RFC 9180, base mode, DHKEM(X25519,
/// HKDF-SHA256), HKDF-SHA256) from the command line, every value in hex, for checking this
/// implementation against another one (`Scripts/hpke-interop` runs it against pyhpke).
enum HPKECommand {
    static let usage = """
        usage: anonymous-summary hpke keypair
               anonymous-summary hpke seal --aead aes128gcm|chacha20poly1305 --public-key HEX [--info HEX] [--aad HEX] --plaintext HEX
               anonymous-summary hpke open --aead aes128gcm|chacha20poly1305 --private-key HEX --enc HEX [--info HEX] [--aad HEX] --ciphertext HEX
          keypair prints a private and a public key (hex) from the system CSPRNG; seal prints enc and
          the ciphertext; open prints the plaintext, or fails (65) when it does not authenticate.
        """

    static func run(_ arguments: [String]) throws(CLIFailure) {
        guard let verb = arguments.first else { throw CLIFailure(code: .usage, message: usage) }
        let (flags, operands) = try CLI.split(Array(arguments.dropFirst()), flags: [],
                                              valued: ["--aead", "--public-key", "--private-key", "--enc", "--info", "--aad", "--plaintext", "--ciphertext"], usage: usage)
        guard operands.isEmpty else { throw CLIFailure(code: .usage, message: usage) }
        func value(_ name: String, required: Bool = true) throws(CLIFailure) -> [UInt8] {
            guard let text = flags[name]?.last else {
                if required { throw CLIFailure(code: .usage, message: "\(name) is needed\n\(usage)") }
                return []
            }
            return try VDAFCommand.bytes(text, name)
        }
        var rng = BufferedSystemRandom()
        switch verb {
        case "keypair":
            var ikm = [UInt8](repeating: 0, count: 32)
            for i in ikm.indices { ikm[i] = UInt8(truncatingIfNeeded: rng.next()) }
            guard let pair = try? HPKE.deriveKeyPair(ikm: ikm) else { throw CLIFailure(code: .software, message: "hpke: no key pair") }
            print(CLI.hex(pair.privateKey) + " " + CLI.hex(pair.publicKey))
        case "seal", "open":
            let aeadName = flags["--aead"]?.last ?? ""
            guard let aead: HPKE.AEAD = aeadName == "aes128gcm" ? .aes128gcm : aeadName == "chacha20poly1305" ? .chacha20poly1305 : nil else {
                throw CLIFailure(code: .usage, message: "--aead: '\(aeadName)' is not aes128gcm or chacha20poly1305")
            }
            let info = try value("--info", required: false), aad = try value("--aad", required: false)
            if verb == "seal" {
                do {
                    let (enc, ct) = try HPKE.seal(aead, recipientPublicKey: try value("--public-key"), info: info, aad: aad,
                                                  plaintext: try value("--plaintext"), using: &rng)
                    print(CLI.hex(enc) + " " + CLI.hex(ct))
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure(code: .dataError, message: "hpke seal: \(error)")
                }
            } else {
                do {
                    let pt = try HPKE.open(aead, enc: try value("--enc"), recipientPrivateKey: try value("--private-key"), info: info,
                                           aad: aad, ciphertext: try value("--ciphertext"))
                    print(CLI.hex(pt))
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure(code: .dataError, message: "hpke open: the ciphertext does not open (\(error))")
                }
            }
        default:
            throw CLIFailure(code: .usage, message: usage)
        }
    }
}
