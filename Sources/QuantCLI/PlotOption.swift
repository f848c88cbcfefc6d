import ArgKit
import QuantKit

/// `--plot FILE.svg|FILE.html`, shared by `quantize`, `inspect` and `eval`: the run's picture,
/// written beside its report (which it never changes).
enum PlotOption {
    static let spec = OptionSpec("plot", valueName: "FILE.svg", help: "Also draw the run's picture to FILE.svg (or FILE.html); replaced if it exists.",
                                 valueHint: .file(extensions: PlotFile.extensions))

    /// The `--plot` path, refused unless it ends in `.svg` or `.html`.
    static func path(_ arguments: ParsedArguments) throws(UsageError) -> String? {
        guard let path = arguments.string("plot") else { return nil }
        guard PlotFile.accepts(path) else {
            throw .invalidValue(option: "--plot", value: path, expected: "a file name ending in .svg or .html")
        }
        return path
    }
}
