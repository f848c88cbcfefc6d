/// A self-quantizing layout whose quantizers can weigh each column's error by an importance
/// matrix (llama.cpp's `--imatrix`): the same file as `quantizeFile`, its searches weighted.
public protocol ImportanceWeightedLayout: SelfQuantizingLayout {
    /// As `quantizeFile(input:output:typeName:overwrite:threads:)`, with the importance matrix
    /// read from `importancePath` (and recorded under that name when the format records it).
    func quantizeFile(input: String, output: String, typeName: String, importancePath: String, overwrite: Bool,
                      threads: Int) throws -> any LayoutReport
}
