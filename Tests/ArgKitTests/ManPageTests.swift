@testable import ArgKit
import Foundation
import Testing

/// A program whose declared text holds what roff would otherwise read as requests or escapes.
private let awkward = Program(
    name: "tool",
    version: "tool \"1\"",
    abstract: "A tool with a \\backslash.",
    commands: [
        CommandSpec(name: "run", abstract: "Run it.",
                    discussion: ".starts with a dot\n'starts with a quote\n\nC:\\path\\new and \\fBnot bold\\fR. For example\n"
                        + "  tool --mode y  in.txt\nruns it.",
                    arguments: [ArgumentSpec("input", help: "It's the \"input\": $HOME \\ `x`.")],
                    options: [OptionSpec("mode", short: "m", valueName: "M", help: "Mode [a|b].", allowedValues: ["x-1", "y"])]),
    ],
    defaultCommand: "run")

private let sections = [
    ManPageSection("EXIT STATUS", entries: [("0", "Success."), ("2", "A usage error.")]),
    ManPageSection("SEE ALSO", paragraphs: ["other(1)."]),
]

@Test func pageListsEveryCommandOptionArgumentAndAllowedValue() {
    let page = ManPage.page(for: Sample.program, description: ["More."], sections: sections)
    for command in Sample.program.commands {
        #expect(page.contains(".SS \"\(Sample.program.invocation(of: command))"), "\(command.name)")
        #expect(page.contains(command.abstract))
        for option in command.options {
            #expect(page.contains("\\fB" + option.spelling.replacingOccurrences(of: "-", with: "\\-")), "\(option.spelling)")
            #expect(page.contains(option.help), "help of \(option.spelling)")
            for value in option.allowedValues ?? [] {
                #expect(page.contains(value), "\(value)")
            }
        }
        for argument in command.arguments {
            #expect(page.contains("\\fI<\(argument.name)>\\fR"))
        }
    }
    let headings = page.split(separator: "\n").filter { $0.hasPrefix(".SH ") }
    #expect(headings == [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH COMMANDS",
                         ".SH \"EXIT STATUS\"", ".SH \"SEE ALSO\""])
}

@Test func groffRendersThePagesWithoutWarningsAndTheTextAsWritten() throws {
    let groff = "/usr/bin/groff"
    guard FileManager.default.isExecutableFile(atPath: groff) else {
        print("skipping: groff is not installed (Debian: apt-get install groff)")
        return
    }
    for program in [Sample.program, awkward] {
        let rendered = try render(ManPage.page(for: program, description: [], sections: sections), groff: groff)
        #expect(rendered.warnings == "", "groff -ww: \(rendered.warnings)")
        #expect(rendered.text.contains("EXIT STATUS"))
    }
    let text = try render(ManPage.page(for: awkward, description: [], sections: sections), groff: groff).text
        .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for written in [".starts with a dot", "'starts with a quote", "C:\\path\\new and \\fBnot bold\\fR.",
                    "It's the \"input\": $HOME \\ `x`.", "A tool with a \\backslash.", "--mode <M>", "x-1", "tool \"1\""] {
        #expect(text.contains(written), "'\(written)' not rendered as written")
    }
    // An indented discussion line is an example: kept on a line of its own, spaces and all.
    let lines = try render(ManPage.page(for: awkward, description: [], sections: sections), groff: groff).text.split(separator: "\n")
    #expect(lines.contains { $0.hasSuffix(" tool --mode y  in.txt") })
    #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == "runs it." })
}

/// groff's ASCII rendering of `page` (without bold or underline) and its warnings at -ww.
private func render(_ page: String, groff: String) throws -> (text: String, warnings: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: groff)
    process.arguments = ["-ww", "-man", "-Tascii", "-P-c", "-P-b", "-P-u"]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data(page.utf8))
    try input.fileHandleForWriting.close()
    let text = output.fileHandleForReading.readDataToEndOfFile()
    let warnings = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: text, as: UTF8.self), String(decoding: warnings, as: UTF8.self))
}
