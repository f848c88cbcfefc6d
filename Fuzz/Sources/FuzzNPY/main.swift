import FuzzSupport
import QuantKit

/// The `.npy` reader, header and body: the bytes parsed in memory (`readNPY`), then as a file
/// (`NPYFileSource`: header read apart from the data, data loaded and mapped).
func fuzzNPY(_ input: UnsafeRawBufferPointer) {
    if let tensor = try? readNPY(bytes: Array(input)) {
        _ = tensor.floatValues()
    }
    if let source = try? NPYFileSource(path: FuzzSupport.file(with: input, suffix: ".npy")) {
        FuzzSupport.exercise(source)
    }
}

FuzzSupport.run { data, size in
    fuzzNPY(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
