/// An output layout that quantizes the rows itself: the second form of the layout seam, beside
/// `QuantizedLayout`, for file formats whose type is at once the scheme and the layout.
///
/// `QuantizedLayout` stores what this tool's schemes compute (codes in this tool's domain, then
/// scales and zero points, see its contract) and leaves planning, metadata and tensor order to
/// the pipeline. A GGUF block type cannot be expressed that way: ggml's quantizers search each
/// block's scales (and mins) jointly with its codes, in ggml's order of float operations, and
/// the file's bytes are right only if that search, llama-quantize's choice of tensors, its
/// fallbacks, its tensor order and its metadata are all reproduced. So such a layout owns the
/// whole file: it reads its own format, plans, quantizes and writes, and hands back a report.
///
/// Adding one is a conforming type in a folder of its own and a line in
/// `QuantizedLayouts.selfQuantizing`; the command line finds it by the output's extension and
/// has it `check` the options before anything is read.
public protocol SelfQuantizingLayout: Sendable {
    /// The layout's name (`gguf`).
    var name: String { get }
    /// The extension, without the dot, of the files it reads and writes (`gguf`).
    var fileExtension: String { get }
    /// The names of the types it writes, as its own tools spell them (`Q4_K_M`).
    var typeNames: [String] { get }
    /// Throws when `options` name a type, rule or setting the layout does not have; a run with
    /// options that pass may still fail on what the input holds.
    func check(_ options: SelfQuantizingOptions) throws(SelfQuantizingOptionError)
    /// What `quantizeFile` would write to `output`, read from `input`'s header alone: nothing
    /// is written.
    func plan(input: String, output: String, options: SelfQuantizingOptions) throws -> any LayoutReport
    /// Writes `output`, the file `input` becomes with its tensors quantized as `options` say
    /// (options `check` accepts), nothing at all on error, never over `input`.
    func quantizeFile(input: String, output: String, options: SelfQuantizingOptions, overwrite: Bool, threads: Int) throws
        -> any LayoutReport
}

/// The report of a self-quantizing layout's run, printed by the command line.
public protocol LayoutReport: Sendable {
    /// The human report, ending in a newline.
    func renderedTable() -> String
    /// One JSON object (keys sorted), ending in a newline.
    func renderedJSON() -> String
}
