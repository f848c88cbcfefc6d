import FuzzSupport
import QuantKit

/// The safetensors reader: the 8-byte length and JSON header (tiling, dtypes, shapes,
/// `__metadata__`), every tensor loaded and mapped, and the file as a quantized archive in the
/// compressed-tensors layout (its record lives in the header's `__metadata__`).
func fuzzSafetensors(_ input: UnsafeRawBufferPointer) {
    let path = FuzzSupport.file(with: input, suffix: ".safetensors")
    if let source = try? SafetensorsSource(path: path) {
        FuzzSupport.exercise(source)
    }
}

FuzzSupport.run { data, size in
    fuzzSafetensors(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
