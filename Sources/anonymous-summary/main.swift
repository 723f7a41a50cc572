import AnonymousSummary
import Foundation

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "parse" {
    let strings = args.contains("--strings")
    let file = args.dropFirst().first { $0 != "--strings" } ?? "-"
    let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : (FileManager.default.contents(atPath: file) ?? Data())
    do {
        for doc in try YAML.parseStream(Array(data)) { print(doc.jsonText(resolvingScalars: !strings)) }
    } catch {
        FileHandle.standardError.write(Data((error.formatted(file: file) + "\n").utf8))
        exit(65)
    }
}
