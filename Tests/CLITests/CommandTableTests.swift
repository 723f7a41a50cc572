import AnonymousSummary
import UsageReport
import DifferentialPrivacy
import TestSupport
@testable import anonymous_summary
import Foundation
import XCTest

/// `CommandTable`, the one description of the command line, against what the tool does and what
/// docs/library.md says: a test here fails when an option is in one and not the others.
extension CLITests {
    /// The docs' section on the tool.
    func toolSection() throws -> String {
        let docs = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/library.md"), encoding: .utf8)
        return try XCTUnwrap(docs.components(separatedBy: "# The command-line tool").last)
    }

    /// docs/library.md shows each command's synopsis exactly as the table makes it (every form,
    /// every option with its values, the operands), and names every option's other spellings.
    func testTheDocsShowEveryCommandsSynopsisFromTheTable() throws {
        let section = try toolSection()
        for command in CommandTable.commands {
            XCTAssertTrue(section.contains(command.synopses + "\n"),
                          "docs/library.md lacks, or differs from, the synopsis of \(command.name); it should read:\n\(command.synopses)")
            for option in command.allOptions {
                for name in option.names {
                    XCTAssertNotNil(section.range(of: #"(?<![\w-])"# + NSRegularExpression.escapedPattern(for: name) + #"(?![\w-])"#, options: .regularExpression),
                                    "docs/library.md does not name \(command.name) \(name)")
                }
            }
        }
        // Developers' commands are documented apart, after the others.
        let apart = try XCTUnwrap(section.range(of: "Developers' commands"))
        for command in CommandTable.commands {
            let at = try XCTUnwrap(section.range(of: "anonymous-summary \(command.name)"))
            XCTAssertEqual(at.lowerBound > apart.lowerBound, command.developers, command.name)
        }
    }

    /// Each command's help, as the tool prints it, names every option of the table with its value.
    func testEveryCommandsHelpNamesEveryOptionOfTheTable() throws {
        for command in CommandTable.commands {
            let help = try run([command.name, "--help"])
            XCTAssertEqual(help.status, 0, command.name)
            XCTAssertEqual(help.stdout, command.help, command.name)
            for option in command.allOptions {
                XCTAssertTrue(help.stdout.contains(option.synopsis), "\(command.name) --help: \(option.synopsis)")
                XCTAssertTrue(help.stdout.contains(option.names.joined(separator: ", ") + (option.value.map { " " + $0 } ?? "")),
                              "\(command.name) --help lists \(option.name)")
            }
        }
        let top = try run(["--help"]).stdout
        for command in CommandTable.commands { XCTAssertTrue(top.contains("  \(command.name) "), command.name) }
    }

    /// The parser accepts exactly the table's options in each form: each one is taken (the tool
    /// may still refuse the line for another reason, never as an unknown option), and a name
    /// the form does not declare, another form's or another command's, is an unknown option.
    func testTheParserAcceptsExactlyTheTablesOptions() throws {
        let every = Set(CommandTable.commands.flatMap { $0.forms.flatMap(\.acceptedNames) })
        for command in CommandTable.commands {
            for form in command.forms {
                let head = [command.name] + (form.verb.map { [$0] } ?? [])
                for option in form.options {
                    let value = option.choices.first ?? "x"
                    for name in option.names {
                        let arguments = head + (option.takesValue ? (name.hasPrefix("--") ? ["\(name)=\(value)"] : [name, value]) : [name])
                        let r = try runBriefly(arguments)
                        XCTAssertFalse(r.stderr.contains("unknown option"), "\(arguments): \(r.stderr)")
                        XCTAssertNotEqual(r.status, -1, "\(arguments) did not finish")
                        XCTAssertNotEqual(r.status, 70, "\(arguments): \(r.stderr)")
                    }
                }
                if form.operands.text.isEmpty {
                    let r = try run(head + ["stray"])
                    XCTAssertEqual(r.status, 64, "\(head) stray")
                    XCTAssertTrue(r.stderr.contains("takes no operand ('stray')"), "\(head) stray: \(r.stderr)")
                }
                for name in every.subtracting(form.acceptedNames).sorted().prefix(3) + ["--no-such-option"] {
                    let r = try run(head + [name])
                    XCTAssertEqual(r.status, 64, "\(head) \(name)")
                    XCTAssertTrue(r.stderr.hasPrefix("unknown option \(name)\n"), "\(head) \(name): \(r.stderr)")
                }
            }
        }
    }
}
