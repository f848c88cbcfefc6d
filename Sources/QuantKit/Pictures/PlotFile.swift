import Foundation
import SVGPlot

/// A picture's output file (`--plot`): an `.svg` or `.html` written whole or not at all
/// (`AtomicOutput`). A picture is a view of a run, drawn again by the next run, so an existing
/// regular file of that name is replaced (a folder, device or the run's own input is refused).
/// Prepared before a run's work, so a refused destination costs nothing; `write` renders the
/// page and commits it. Dropped unwritten (a failed run), its temporary file is removed.
public final class PlotFile {
    public let path: String
    public let kind: PlotPage.Kind
    private let output: AtomicOutput

    /// The extensions a plot file may have: `svg`, `html`.
    public static let extensions = PlotPage.Kind.allCases.map(\.rawValue)

    /// Whether `path` ends in one of `extensions` (case-insensitive).
    public static func accepts(_ path: String) -> Bool { PlotPage.kind(ofPath: path) != nil }

    /// Throws `PlotFileKindError` for a name ending in neither `.svg` nor `.html`, and
    /// `OutputError` for a destination `AtomicOutput` refuses.
    public init(path: String, inputs: [String]) throws {
        guard let kind = PlotPage.kind(ofPath: path) else { throw PlotFileKindError(path: path) }
        self.path = path
        self.kind = kind
        output = try AtomicOutput(destination: path, overwrite: true, inputs: inputs)
    }

    /// Writes `page` as this file's kind and moves it into place.
    public func write(_ page: PlotPage) throws {
        let bytes = Array(page.rendered(as: kind).utf8)
        try writeAndCommit(bytes, to: output, path: path)
    }
}

/// A `--plot` file name whose extension names no picture format.
public struct PlotFileKindError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String

    public var description: String {
        "\(path): a plot is written as .svg or .html (several charts in one page), not as '\((path as NSString).pathExtension)'"
    }
}
