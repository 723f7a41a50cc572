/// How a command line is described, once per executable (each has its `CommandTable`): every
/// command, its forms (a verb such as `hpke seal`, or none), their options with value names and
/// one line of help, their operands. The top-level help, each command's help, the option sets the
/// parser accepts (`CLI.parse`), the completion scripts and the synopses in the docs (checked by
/// tests) all come from a table of these.

/// One option: its names (the first is the one a synopsis shows), the name of its value (nil
/// for a flag), the values it takes when they are a fixed set, one line of help.
package struct OptionSpec {
    package var names: [String]
    package var value: String?
    package var choices: [String] = []
    package var help: String
    /// May be given more than once (`…` in a synopsis).
    package var repeatable = false
    /// Must be given (no brackets in a synopsis; the parser says so when it is missing).
    package var required = false
    /// Its value is a path: shells complete file names for it.
    package var isPath = false

    package var name: String { names[0] }
    package var takesValue: Bool { value != nil }

    package static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, value: nil, help: help)
    }

    package static func valued(_ names: String..., value: String, help: String, required: Bool = false, repeatable: Bool = false,
                       path: Bool = false) -> OptionSpec {
        OptionSpec(names: names, value: value, help: help, repeatable: repeatable, required: required, isPath: path)
    }

    package static func choice(_ name: String, _ choices: [String], help: String, required: Bool = false) -> OptionSpec {
        OptionSpec(names: [name], value: choices.joined(separator: "|"), choices: choices, help: help, required: required)
    }

    /// `[--id UUID]`, `[-r RESOURCES.yaml]…`, `--aead aes128gcm|chacha20poly1305`.
    package var synopsis: String {
        let text = value.map { "\(name) \($0)" } ?? name
        return (required ? text : "[\(text)]") + (repeatable ? "…" : "")
    }
}

/// What a form takes after its options.
package struct Operands {
    /// As a synopsis shows them: `CONFIG…`, `FILE|-`, `[COMMAND]`; empty for none.
    package var text: String
    /// The values they take when those are a fixed set (shells complete them).
    package var choices: [String] = []
    /// Shells complete file names for them.
    package var arePaths = true

    package init(text: String, choices: [String] = [], arePaths: Bool = true) {
        self.text = text
        self.choices = choices
        self.arePaths = arePaths
    }

    package static let none = Operands(text: "", arePaths: false)
    package static func paths(_ text: String) -> Operands { Operands(text: text) }
}

/// One way to call a command: `hpke seal …` is a form of `hpke` with the verb `seal`.
package struct CommandForm {
    package var verb: String?
    package var options: [OptionSpec]
    package var operands: Operands

    package init(verb: String?, options: [OptionSpec], operands: Operands) {
        self.verb = verb
        self.options = options
        self.operands = operands
    }

    /// The option a name (`--id`, `-r`) stands for in this form.
    package func option(named name: String) -> OptionSpec? { options.first { $0.names.contains(name) } }

    /// Every name the parser accepts in this form.
    package var acceptedNames: Set<String> { Set(options.flatMap(\.names)) }
}

package struct CommandSpec {
    /// The executable it belongs to, as a synopsis starts: `anonymous-summary`, `anonymous-summary-dev`.
    package var tool: String
    package var name: String
    package var aliases: [String] = []
    /// One line, for the top-level help and the shells' completion menus.
    package var summary: String
    package var forms: [CommandForm]
    /// The paragraphs under the usage in the command's help.
    package var about: String

    package init(tool: String, name: String, aliases: [String] = [], summary: String, forms: [CommandForm], about: String) {
        self.tool = tool
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.forms = forms
        self.about = about
    }

    /// `help [COMMAND]`, as every executable has it.
    package static func help(of tool: String) -> CommandSpec {
        CommandSpec(tool: tool, name: "help", summary: "print this help, or a command's (help COMMAND)",
                    forms: [CommandForm(verb: nil, options: [], operands: Operands(text: "[COMMAND]", arePaths: false))],
                    about: "  Prints the list of commands, or with COMMAND that command's usage and options (as COMMAND --help does).")
    }

    package var hasVerbs: Bool { forms.first?.verb != nil }

    /// Every option of every form, each name once, in the order they are declared.
    package var allOptions: [OptionSpec] {
        var seen: Set<String> = []
        return forms.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }

    /// The form's synopsis after `prefix` (`usage: ` in the help, nothing in the docs), wrapped
    /// at 110 columns with continuation lines under the first option.
    package func synopsis(_ form: CommandForm, prefix: String = "") -> String {
        let head = prefix + "\(tool) \(name)" + (form.verb.map { " \($0)" } ?? "")
        let tokens = form.options.map(\.synopsis) + (form.operands.text.isEmpty ? [] : [form.operands.text])
        var lines: [String] = [], line = head
        let indent = String(repeating: " ", count: head.count + 1)
        for token in tokens {
            if line.count + 1 + token.count > 110 && line != head && line != indent {
                lines.append(line)
                line = indent + token
            } else {
                line += (line == indent ? "" : " ") + token
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Every form's synopsis, one after the other, as docs/library.md shows them.
    package var synopses: String { forms.map { synopsis($0) }.joined(separator: "\n") }

    /// The command's help: its usage (every form), what it does, and every option.
    package var help: String {
        var out = forms.enumerated().map { i, form in
            synopsis(form, prefix: i == 0 ? "usage: " : "       ")
        }.joined(separator: "\n")
        out += "\n\n" + about + "\n"
        var rows = allOptions.map { option -> (String, String) in
            (option.names.joined(separator: ", ") + (option.value.map { " \($0)" } ?? ""), option.help)
        }
        rows.append(("-h, --help", "print this help"))
        let width = min(32, rows.map(\.0.count).max() ?? 0)
        out += "\noptions:\n"
        for (names, help) in rows {
            out += "  " + names + (names.count <= width ? String(repeating: " ", count: width - names.count) : "\n  " + String(repeating: " ", count: width))
                + "  " + help + "\n"
        }
        return out
    }
}

