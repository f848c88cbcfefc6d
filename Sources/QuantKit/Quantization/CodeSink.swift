/// Where `quantizeFloat32` hands a tensor's stored codes: streamed in flat order, batch by batch,
/// to a `write` function; or, when the file can take them so and each piece packs on its own,
/// placed piece by piece at their offsets by the threads that quantized them (`PlacedPieces`).
struct CodeSink {
    /// Runs `body` with the function that takes the next batch in order (see `quantizeFloat32`).
    let stream: (_ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws -> Void
    /// Runs `body` with a place for the stored bytes and returns true; or returns false without
    /// running it, when the destination takes bytes only in order.
    let place: (_ body: (PlacedPieces) throws -> Void) throws -> Bool

    /// The member `member` of `writer`: placed where the writer can (`TensorFileWriter.addPlaced`).
    static func member(_ member: TensorInfo, of writer: any TensorFileWriter) -> CodeSink {
        CodeSink(stream: { body in try writer.add(name: member.name, dtype: member.dtype, shape: member.shape, body) },
                 place: { body in try writer.addPlaced(name: member.name, dtype: member.dtype, shape: member.shape, body) })
    }

    /// `write`, called with every batch in order, then with an empty one.
    static func stream(_ write: @escaping (UnsafeRawBufferPointer) throws(FileError) -> Void) -> CodeSink {
        CodeSink(stream: { body in try body(write) }, place: { _ in false })
    }
}
