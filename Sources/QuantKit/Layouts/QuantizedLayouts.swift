/// The layouts a run can write and a reader recognizes, looked up by what the command line
/// names (file format and variant) and by what a metadata record names. Adding a layout is a
/// type conforming to `QuantizedLayout` and one line in `builtIn`; a caller with layouts of its
/// own passes `adding(_:)` of it to the reader (`QuantizedArchive`).
public struct QuantizedLayouts: Sendable {
    public let all: [any QuantizedLayout]

    public init(_ layouts: [any QuantizedLayout]) {
        all = layouts
    }

    /// The layouts of this tool, each written by `quantize` and read by `inspect`, `dequantize`
    /// and `eval`.
    public static let builtIn = QuantizedLayouts([
        NPZLayout(),
        PackQuantizedLayout(),
        IntQuantizedLayout(),
        FloatQuantizedLayout(),
    ])

    /// The layouts that quantize rows themselves (`SelfQuantizingLayout`), each found by the
    /// extension of the files it writes.
    public static let selfQuantizing: [any SelfQuantizingLayout] = [
        GGUFLayout(),
    ]

    /// The self-quantizing layout whose files `path` names by its extension, if any.
    public static func selfQuantizing(writing path: String) -> (any SelfQuantizingLayout)? {
        selfQuantizing.first { path.hasSuffix("." + $0.fileExtension) }
    }

    /// These layouts and `layout`.
    public func adding(_ layout: any QuantizedLayout) -> QuantizedLayouts {
        QuantizedLayouts(all + [layout])
    }

    /// The layout written to `format` files under the command line's `variant` (nil: the
    /// format's default, its first layout).
    public func output(_ format: OutputFormat, variant: String?) -> (any QuantizedLayout)? {
        let candidates = all.filter { $0.fileFormat == format }
        guard let variant else { return candidates.first }
        return candidates.first { $0.variant == variant }
    }

    /// The command line's variant names of the layouts of `format` files.
    public func variants(of format: OutputFormat) -> [String] {
        all.filter { $0.fileFormat == format }.compactMap(\.variant)
    }

    /// The layout a record's `format` and `compressed_tensors_format` name.
    public func recorded(format: String, variant: String?) -> (any QuantizedLayout)? {
        all.first { $0.recordFormat == format && $0.recordVariant == variant }
    }
}
