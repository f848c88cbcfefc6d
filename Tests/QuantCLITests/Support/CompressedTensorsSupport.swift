import Foundation
import Testing
import QuantKit

// Inputs and independent oracles for the compressed-tensors tests: the layout is checked
// against the words of `CompressedTensorsLayout.swift`, written out again here one bit at a
// time, not against the product's packer.

/// Writes `tensors` (name, tensor), in that order, as a safetensors file at `path`.
func writeSafetensors(_ tensors: [(String, Tensor)], to path: String, metadata: [String: String] = [:]) throws {
    let infos = tensors.map { TensorInfo(name: $0.0, dtype: $0.1.dtype, shape: $0.1.shape) }
    let writer = try SafetensorsWriter(path: path, displayPath: path, tensors: infos, metadata: metadata)
    for (name, tensor) in tensors {
        try writer.add(name: name, tensor: tensor)
    }
    try writer.finish()
}

/// Every tensor of the file at `path`, in file order.
func loadAllInOrder(_ path: String) throws -> [(String, Tensor)] {
    let source = try openTensorSource(path: path)
    return try source.tensors.map { ($0.name, try source.load($0.name)) }
}

/// Every tensor of the safetensors file at `path` as stored (F8_E4M3 and packed codes as
/// their bytes), by name.
func storedTensors(_ path: String) throws -> [String: Tensor] {
    let source = try SafetensorsSource(path: path)
    return try Dictionary(uniqueKeysWithValues: source.tensors.map { ($0.name, try source.load($0.name)) })
}

/// `count` seeded values: normal samples times `scale`, plus `offset` (an offset makes the
/// asymmetric schemes' zero points move away from the middle of the grid).
func seededValues(_ count: Int, seed: UInt64, scale: Float = 1, offset: Float = 0) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in
        let u1 = Double.random(in: Double.ulpOfOne ..< 1, using: &generator)
        let u2 = Double.random(in: 0 ..< 1, using: &generator)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)) * scale + offset
    }
}

/// `values` stored as `dtype` (float32, float16 or bfloat16), rounded to nearest even.
func floatTensor(_ values: [Float], shape: [Int], dtype: DType) -> Tensor {
    switch dtype {
    case .float16:
        return try! Tensor(dtype: .float16, shape: shape, bytes: values.flatMap { littleEndian(Float16($0).bitPattern) })
    case .bfloat16:
        return try! Tensor(dtype: .bfloat16, shape: shape, bytes: values.flatMap { value in
            let bits = value.bitPattern
            return littleEndian(UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16))
        })
    default:
        return Tensor(shape: shape, values: values)
    }
}

func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// The elements of a little-endian integer or float tensor, decoded here rather than by the
/// product, as Int (integers) or Float (floats, widened exactly).
func integers(_ tensor: Tensor) -> [Int] {
    let bytes = tensor.bytes
    switch tensor.dtype {
    case .int8: return bytes.map { Int(Int8(bitPattern: $0)) }
    case .uint8: return bytes.map { Int($0) }
    case .int32:
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            Int(Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24))
        }
    case .int64:
        return stride(from: 0, to: bytes.count, by: 8).map { i in
            Int(Int64(bitPattern: (0 ..< 8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) }))
        }
    default: preconditionFailure("not an integer tensor: \(tensor.dtype)")
    }
}

func floats(_ tensor: Tensor) -> [Float] {
    let bytes = tensor.bytes
    switch tensor.dtype {
    case .float32:
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    case .bfloat16:
        return stride(from: 0, to: bytes.count, by: 2).map { i in Float(bitPattern: (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8) << 16) }
    case .float16:
        return stride(from: 0, to: bytes.count, by: 2).map { i in Float(Float16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)) }
    default: preconditionFailure("not a float tensor: \(tensor.dtype)")
    }
}

/// compressed-tensors' `pack_to_int32` on unsigned `values` (`rows` rows of `rowLength`),
/// written bit by bit: bit `k` of value `j` of a row is bit `j * bits + k` of the row's words.
func packedWords(_ values: [Int], bits: Int, rowLength: Int) -> [Int] {
    let perRow = (rowLength * bits + 31) / 32
    let rows = values.count / rowLength
    var words = [UInt32](repeating: 0, count: rows * perRow)
    for row in 0 ..< rows {
        for j in 0 ..< rowLength {
            let value = values[row * rowLength + j]
            precondition((0 ..< 1 << bits).contains(value))
            for k in 0 ..< bits where value >> k & 1 == 1 {
                let bit = j * bits + k
                words[row * perRow + bit / 32] |= 1 << UInt32(bit % 32)
            }
        }
    }
    return words.map { Int(Int32(bitPattern: $0)) }
}

/// The inverse of `packedWords`.
func unpackedValues(_ words: [Int], bits: Int, rowLength: Int, wordBits: Int = 32) -> [Int] {
    let perRow = (rowLength * bits + wordBits - 1) / wordBits
    let rows = words.count / perRow
    var values: [Int] = []
    for row in 0 ..< rows {
        for j in 0 ..< rowLength {
            var value = 0
            for k in 0 ..< bits {
                let bit = j * bits + k
                let word = UInt32(truncatingIfNeeded: words[row * perRow + bit / wordBits])
                if word >> UInt32(bit % wordBits) & 1 == 1 { value |= 1 << k }
            }
            values.append(value)
        }
    }
    return values
}

/// The raw header of the safetensors file at `path`, parsed here: each tensor's dtype code
/// (`F32`, `I8`, ...), shape and data offsets, and the `__metadata__` object.
struct RawSafetensorsHeader {
    struct Entry: Equatable {
        let dtype: String
        let shape: [Int]
        let start: Int
        let end: Int
    }

    let entries: [String: Entry]
    let metadata: [String: String]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        let object = try JSONSerialization.jsonObject(with: data.subdata(in: 8 ..< 8 + length)) as! [String: Any]
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            let fields = value as! [String: Any]
            if name == "__metadata__" {
                metadata = fields as! [String: String]
                continue
            }
            let offsets = fields["data_offsets"] as! [Int]
            entries[name] = Entry(dtype: fields["dtype"] as! String, shape: fields["shape"] as! [Int],
                                  start: offsets[0], end: offsets[1])
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// Bytes of tensor data (the sum of every tensor's extent).
    var dataBytes: Int { entries.values.reduce(0) { $0 + $1.end - $1.start } }
}

/// The parts of a fresh Hugging Face-like model used by the folder tests: name, tensor.
enum ModelParts {
    static func shard1(dtype: DType = .float32) -> [(String, Tensor)] {
        [("embeddings.position_ids", try! Tensor(dtype: .int64, shape: [1, 6], bytes: (0 ..< 6).flatMap { littleEndian(Int64($0)) })),
         ("encoder.layer.0.attention.query.weight", floatTensor(seededValues(8 * 64, seed: 11), shape: [8, 64], dtype: dtype)),
         ("encoder.layer.0.attention.query.bias", floatTensor(seededValues(8, seed: 12), shape: [8], dtype: dtype)),
         ("encoder.layer.0.mlp.up.weight", floatTensor(seededValues(5 * 33, seed: 13, offset: 0.5), shape: [5, 33], dtype: dtype))]
    }

    static func shard2(dtype: DType = .float32) -> [(String, Tensor)] {
        [("encoder.layer.1.attention.query.weight", floatTensor(seededValues(8 * 64, seed: 21), shape: [8, 64], dtype: dtype)),
         ("encoder.layer.1.mlp.up.weight", floatTensor(seededValues(5 * 33, seed: 23, offset: -0.25), shape: [5, 33], dtype: dtype)),
         ("pooler.dense.weight", floatTensor(seededValues(3 * 7, seed: 24), shape: [3, 7], dtype: dtype)),
         ("norm.weight", floatTensor(seededValues(8, seed: 25, offset: 1), shape: [8], dtype: dtype))]
    }

    // Computed, not stored: a `static let` Data is a lazily initialized global, which
    // LeakSanitizer reports as leaked at exit.
    static var config: Data { Data("""
        {"architectures": ["BertModel"], "hidden_size": 64, "model_type": "bert",
         "torch_dtype": "float32", "layer_norm_eps": 1e-12, "nested": {"a": [1, 2, null], "b": "x/y"}}
        """.utf8) }
    static var tokenizer: Data { Data("{\"version\": \"1.0\", \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[PAD]\": 0}}}\n".utf8) }
    static var pooling: Data { Data("{\"word_embedding_dimension\": 64, \"pooling_mode_mean_tokens\": true}\n".utf8) }

    static let shardNames = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]

    /// Writes the model folder at `folder`: both shards, their index, config.json,
    /// tokenizer.json and 1_Pooling/config.json. `extraIndexEntries` are added to the index's
    /// weight map.
    static func write(to folder: URL, shard1: [(String, Tensor)] = shard1(), shard2: [(String, Tensor)] = shard2(),
                      extraIndexEntries: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        try writeSafetensors(shard1, to: folder.appendingPathComponent(shardNames[0]).path, metadata: ["format": "pt"])
        try writeSafetensors(shard2, to: folder.appendingPathComponent(shardNames[1]).path, metadata: ["format": "pt"])
        var map: [String: String] = extraIndexEntries
        for (name, _) in shard1 { map[name] = shardNames[0] }
        for (name, _) in shard2 { map[name] = shardNames[1] }
        let total = (shard1 + shard2).reduce(0) { $0 + $1.1.bytes.count }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": total], "weight_map": map])
        try index.write(to: folder.appendingPathComponent("model.safetensors.index.json"))
        try config.write(to: folder.appendingPathComponent("config.json"))
        try tokenizer.write(to: folder.appendingPathComponent("tokenizer.json"))
        try pooling.write(to: folder.appendingPathComponent("1_Pooling/config.json"))
    }
}

/// Every regular file under `folder`, as paths relative to it, sorted.
func filesUnder(_ folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var files: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        if !ShardPlan.isFolder(folder + "/" + relative) { files.append(relative) }
    }
    return files.sorted()
}

/// The codes of quantized tensor `name` in an `.npz` archive's raw members (`archive`), decoded
/// here: packed rows of bytes at 4 bits or fewer (unsigned, offset by `half` when symmetric,
/// as the README documents), one byte per code otherwise.
func npzCodes(_ archive: [String: Tensor], _ name: String, bits: Int, symmetric: Bool, rowLength: Int) throws -> [Int] {
    let member = try #require(archive[name])
    guard bits <= 4 else { return integers(member) }
    let unsigned = unpackedValues(member.bytes.map(Int.init), bits: bits, rowLength: rowLength, wordBits: 8)
    return symmetric ? unsigned.map { $0 - (1 << (bits - 1)) } : unsigned
}
