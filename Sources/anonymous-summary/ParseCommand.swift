import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import CommandLineSupport

/// `anonymous-summary parse [--strings] FILE|-`: the document as JSON, one line per document,
/// so anyone can see exactly how a config was read.
enum ParseCommand {
    static var usage: String { CommandTable.parse.help }

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let parsed = try CLI.parse(arguments, CommandTable.parse)
        let (flags, operands) = (parsed.flags, parsed.operands)
        guard operands.count == 1 else { throw CLIFailure(code: .usage, message: usage) }
        let path = operands[0]
        let bytes = try CLI.readInput(path)
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseStream(bytes)
        } catch {
            throw CLIFailure(code: .dataError, message: error.formatted(file: CLI.displayName(path)))
        }
        var out = ""
        for document in documents {
            out += document.jsonText(resolvingScalars: flags["--strings"] == nil)
            out += "\n"
        }
        print(out, terminator: "")
    }
}
