import FuzzSupport
import QuantKit

/// The safetensors reader: the 8-byte length and JSON header (tiling, dtypes, shapes,
/// `__metadata__`), every tensor loaded and mapped, and the file as a quantized archive in the
/// compressed-tensors layout (its record lives in the header's `__metadata__`); then the FP8
/// tensors read as float32 (`Float8Source`: `weight_scale_inv` blocks, plain F8_E4M3 / F8_E5M2), and
/// the microscaled weights (`MicroscaledSource`: NVFP4, MXFP4, MXFP8 members checked, then dequantized).
func fuzzSafetensors(_ input: UnsafeRawBufferPointer) {
    let path = FuzzSupport.file(with: input, suffix: ".safetensors")
    if let source = try? SafetensorsSource(path: path) {
        FuzzSupport.exercise(source)
        if let float8 = try? Float8Source.reading(source) {
            FuzzSupport.exercise(float8)
        }
        if let microscaled = try? MicroscaledSource.reading(source) {
            FuzzSupport.exercise(microscaled)
        }
    }
}

FuzzSupport.run { data, size in
    fuzzSafetensors(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
