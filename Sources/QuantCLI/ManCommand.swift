import ArgKit

/// `quantize man`: the quantize(1) manual page in roff, generated from the same declarations that
/// drive parsing and `--help`, plus the reference text below.
enum ManCommand: Command {
    static let spec = CommandSpec(
        name: "man",
        abstract: "Print the quantize(1) manual page (roff); read it with 'quantize man | man -l -'.")

    static func options(_ arguments: ParsedArguments) throws(UsageError) {}

    static func run(_ options: Void, console: Console) throws -> Bool {
        console.out(ManPage.page(for: CLI.program, description: description, sections: sections))
        return true
    }

    /// What DESCRIPTION says after the abstract.
    static let description = [
        "Scales are max|x| / qmax with qmax = 2^(bits-1) - 1, codes round half to even and are clamped; the arithmetic "
            + "is float32, so results match NumPy's reference bit for bit. Inputs are NumPy .npy and .npz files, "
            + ".safetensors files and Hugging Face model folders; outputs are .npz archives that NumPy opens, "
            + "safetensors checkpoints in the compressed-tensors layout, and GGUF files as llama.cpp's llama-quantize writes them.",
        "Every output is written to a temporary file beside it and renamed into place, so an interrupted run leaves "
            + "no partial file. Errors are printed on standard error as one line naming the file and the problem.",
    ]

    /// The sections after COMMANDS.
    static let sections = [
        ManPageSection("EXIT STATUS", entries: [
            ("0", "Success."),
            ("1", "A file or data problem: an unreadable or inconsistent input, an output that cannot be written, "
                + "or problems found by inspect."),
            ("2", "A usage error: an unknown command or option, a missing or invalid value."),
        ]),
        ManPageSection("SEE ALSO", paragraphs: [
            "llama-quantize(1), python3(1). The README of the quantize repository has worked examples and the "
                + "reference math of each scheme and method.",
        ]),
    ]
}
