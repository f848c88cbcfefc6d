import FuzzSupport
import QuantKit

/// The `__quantization__` JSON record: decoded alone, then as the record of an in-memory
/// archive whose members have exactly the dtypes and shapes the record asks for (so that the
/// checks after the metadata, code ranges, scales, unpacking, are reached too).
func fuzzArchiveMetadata(_ input: UnsafeRawBufferPointer) {
    let bytes = Array(input)
    guard let metadata = try? ArchiveMetadata.decode(bytes) else { return }
    _ = metadata.encoded()
    _ = metadata.layout()
    FuzzSupport.exercise(FuzzSupport.archiveSource(metadata: metadata, seed: bytes))
}

FuzzSupport.run { data, size in
    fuzzArchiveMetadata(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
