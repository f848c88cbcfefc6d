#if canImport(Glibc)
import Glibc
#endif
import Foundation
import FuzzSupport
import QuantKit

/// A `config.json` beside a compressed-tensors checkpoint that another tool wrote: the input is
/// the config, the checkpoint is a fixed one compressed-tensors itself wrote (the digits MLP,
/// asymmetric group-wise 4-bit pack-quantized: packed codes, packed zero points, shapes), so
/// that every group, target, ignore and weight-argument field the config can hold reaches the
/// metadata it implies and the inspection and dequantization that follow.
let folder: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(base)/quantize-fuzz-config-\(getpid())"
    mkdir(path, 0o700)
    let model = ProcessInfo.processInfo.environment["QUANTIZE_FUZZ_CHECKPOINT"]
        ?? "Fixtures/compressed_tensors/library/pack-asym-group16-4/model.safetensors"
    guard let data = FileManager.default.contents(atPath: model) else { fatalError("cannot read \(model)") }
    FileManager.default.createFile(atPath: path + "/model.safetensors", contents: data)
    atexit {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(base)/quantize-fuzz-config-\(getpid())"
        unlink(path + "/model.safetensors")
        unlink(path + "/config.json")
        rmdir(path)
    }
    return path
}()

func fuzzQuantizationConfig(_ input: UnsafeRawBufferPointer) {
    _ = try? CompressedTensorsCheckpoint(config: Array(input))
    FileManager.default.createFile(atPath: folder + "/config.json", contents: Data(input))
    guard let source = try? SafetensorsSource(path: folder + "/model.safetensors") else { return }
    FuzzSupport.exercise(source)
}

FuzzSupport.run { data, size in
    fuzzQuantizationConfig(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
