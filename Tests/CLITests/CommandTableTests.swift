import AnonymousSummary
import UsageReport
import DifferentialPrivacy
import TestSupport
@testable import anonymous_summary
@testable import anonymous_summary_dev
import CommandLineSupport
import Foundation
import XCTest

/// Each executable's `CommandTable`, the one description of its command line, against what the
/// executable does and what docs/library.md says: a test here fails when an option is in one and
/// not the others.
extension CLITests {
    /// The users' tool and the developers'.
    static var tools: [CommandLineTool] { [anonymous_summary.CommandTable.tool, anonymous_summary_dev.CommandTable.tool] }

    /// The users' tool names exactly the developers' tool's commands (to say where they are).
    func testTheUsersToolNamesTheDevelopersCommands() throws {
        let users = anonymous_summary.CommandTable.tool, developers = anonymous_summary_dev.CommandTable.tool
        XCTAssertEqual(users.elsewhere?.tool, developers.name)
        XCTAssertEqual(users.elsewhere?.commands, developers.commands.map(\.name).filter { $0 != "help" })
        XCTAssertEqual(Set(users.commands.map(\.name)).intersection(developers.commands.map(\.name)), ["help"])
        for tool in Self.tools {
            for command in tool.commands { XCTAssertEqual(command.tool, tool.name, command.name) }
        }
    }

    /// The docs' section on the tool.
    func toolSection() throws -> String {
        let docs = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/library.md"), encoding: .utf8)
        return try XCTUnwrap(docs.components(separatedBy: "# The command-line tool").last)
    }

    /// docs/library.md shows each command's synopsis exactly as its table makes it (every form,
    /// every option with its values, the operands), and names every option's other spellings;
    /// the developers' tool in a section of its own, after the users'.
    func testTheDocsShowEveryCommandsSynopsisFromTheTable() throws {
        let section = try toolSection()
        let apart = try XCTUnwrap(section.range(of: "## The developers' tool"))
        for tool in Self.tools {
            for command in tool.commands {
                XCTAssertTrue(section.contains(command.synopses + "\n"),
                              "docs/library.md lacks, or differs from, the synopsis of \(tool.name) \(command.name); it should read:\n\(command.synopses)")
                for option in command.allOptions {
                    for name in option.names {
                        XCTAssertNotNil(section.range(of: #"(?<![\w-])"# + NSRegularExpression.escapedPattern(for: name) + #"(?![\w-])"#, options: .regularExpression),
                                        "docs/library.md does not name \(command.name) \(name)")
                    }
                }
                let at = try XCTUnwrap(section.range(of: "\n\(tool.name) \(command.name)"), command.name)
                XCTAssertEqual(at.lowerBound > apart.lowerBound, tool.name == Self.developers, command.name)
            }
        }
    }

    /// Each command's help, as its tool prints it, names every option of the table with its value;
    /// each tool's top-level help is its table's.
    func testEveryCommandsHelpNamesEveryOptionOfTheTable() throws {
        for tool in Self.tools {
            for command in tool.commands {
                let help = try run([command.name, "--help"], tool: tool.name)
                XCTAssertEqual(help.status, 0, command.name)
                XCTAssertEqual(help.stdout, command.help, command.name)
                for option in command.allOptions {
                    XCTAssertTrue(help.stdout.contains(option.synopsis), "\(command.name) --help: \(option.synopsis)")
                    XCTAssertTrue(help.stdout.contains(option.names.joined(separator: ", ") + (option.value.map { " " + $0 } ?? "")),
                                  "\(command.name) --help lists \(option.name)")
                }
            }
            let top = try run(["--help"], tool: tool.name).stdout
            XCTAssertEqual(top, tool.topHelp + "\n")
            for command in tool.commands { XCTAssertTrue(top.contains("  \(command.name) "), command.name) }
        }
    }

    /// The parser accepts exactly the table's options in each form: each one is taken (the tool
    /// may still refuse the line for another reason, never as an unknown option), and a name
    /// the form does not declare, another form's or another command's (of either tool), is an
    /// unknown option.
    func testTheParserAcceptsExactlyTheTablesOptions() throws {
        let every = Set(Self.tools.flatMap(\.commands).flatMap { $0.forms.flatMap(\.acceptedNames) })
        for tool in Self.tools {
            for command in tool.commands {
                for form in command.forms {
                    try checkTheParser(tool.name, command, form, every: every)
                }
            }
        }
    }

    func checkTheParser(_ tool: String, _ command: CommandSpec, _ form: CommandForm, every: Set<String>) throws {
        let head = [command.name] + (form.verb.map { [$0] } ?? [])
        for option in form.options {
            let value = option.choices.first ?? "x"
            for name in option.names {
                let arguments = head + (option.takesValue ? (name.hasPrefix("--") ? ["\(name)=\(value)"] : [name, value]) : [name])
                let r = try runBriefly(arguments, tool: tool)
                XCTAssertFalse(r.stderr.contains("unknown option"), "\(arguments): \(r.stderr)")
                XCTAssertNotEqual(r.status, -1, "\(arguments) did not finish")
                XCTAssertNotEqual(r.status, 70, "\(arguments): \(r.stderr)")
            }
        }
        if form.operands.text.isEmpty {
            let r = try run(head + ["stray"], tool: tool)
            XCTAssertEqual(r.status, 64, "\(head) stray")
            XCTAssertTrue(r.stderr.contains("takes no operand ('stray')"), "\(head) stray: \(r.stderr)")
        }
        for name in every.subtracting(form.acceptedNames).sorted().prefix(3) + ["--no-such-option"] {
            let r = try run(head + [name], tool: tool)
            XCTAssertEqual(r.status, 64, "\(head) \(name)")
            XCTAssertTrue(r.stderr.hasPrefix("unknown option \(name)\n"), "\(head) \(name): \(r.stderr)")
        }
    }
}
