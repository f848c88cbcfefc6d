import FuzzSupport
import QuantKit

/// The safetensors reader: the 8-byte length and JSON header (tiling, dtypes, shapes,
/// `__metadata__`), every tensor loaded and mapped, and the file as a quantized archive in the
/// compressed-tensors layout (its record lives in the header's `__metadata__`); then the FP8
/// tensors read as float32 (`Float8Source`: `weight_scale_inv` blocks, plain F8_E4M3 / F8_E5M2).
func fuzzSafetensors(_ input: UnsafeRawBufferPointer) {
    let path = FuzzSupport.file(with: input, suffix: ".safetensors")
    if let source = try? SafetensorsSource(path: path) {
        FuzzSupport.exercise(source)
        if let float8 = try? Float8Source.reading(source) {
            FuzzSupport.exercise(float8)
        }
    }
}

FuzzSupport.run { data, size in
    fuzzSafetensors(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
