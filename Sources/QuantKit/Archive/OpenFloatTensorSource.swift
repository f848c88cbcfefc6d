/// Opens `path` (`openTensorSource`) as the float weights a command starts from: a file that
/// holds a quantized form (our record, or a compressed-tensors `quantization_config` beside
/// it) is read through it (`DequantizedArchiveSource`: FP8 tensors as their float values,
/// integer codes refused); any other file as it is. An FP8 tensor with a `NAME_scale` beside
/// it in a file with neither is refused (`RequantizingError.unexplainedScale`): read alone,
/// its stored values would pass for weights off by the scale.
public func openFloatTensorSource(path: String, threads: Int = 1) throws -> any TensorSource {
    let source = try openTensorSource(path: path, threads: threads)
    let archive = try QuantizedArchive(source: source)
    if archive.metadata != nil { return try DequantizedArchiveSource(archive) }
    let names = Set(source.tensors.map { ExactName($0.name) })
    for info in source.tensors where info.dtype.floatFormat != nil && names.contains(ExactName(info.name + "_scale")) {
        throw FileError(path: path, member: info.name, RequantizingError.unexplainedScale(scale: info.name + "_scale"))
    }
    return source
}
