import AnonymousSummary

/// `anonymous-summary parse [--strings] FILE|-`: the document as JSON, one line per document,
/// so anyone can see exactly how a config was read.
enum ParseCommand {
    static let usage = """
        usage: anonymous-summary parse [--strings] FILE|-
          Prints each YAML document of FILE (or standard input) as one line of JSON: mapping
          keys in document order, plain scalars read by the YAML 1.2 core schema (null,
          booleans, integers, floats), every other scalar a string. With --strings every
          scalar is printed as its string value. Errors go to standard error as
          FILE:LINE:COLUMN: message, with exit status 65.
        """

    static func run(_ arguments: [String]) throws(CLIFailure) {
        let (flags, operands) = try CLI.split(arguments, flags: ["--strings"], valued: [], usage: usage)
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
