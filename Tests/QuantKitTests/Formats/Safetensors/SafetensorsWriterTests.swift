import Foundation
import Testing

@testable import QuantKit

@Suite struct SafetensorsWriterTests {
    /// One tensor of every dtype (bytes counting up), a 0-d one, an empty one, and names that
    /// need JSON escaping.
    static let sample: [(name: String, tensor: Tensor)] = {
        var tensors = DType.allCases.map { dtype in
            let shape = [2, 3]
            let bytes = (0 ..< 6 * dtype.byteSize).map { UInt8(truncatingIfNeeded: $0 * 37 + 1) & (dtype == .bool ? 1 : 0xFF) }
            return ("layers.0/\(dtype)", try! Tensor(dtype: dtype, shape: shape, bytes: bytes))
        }
        tensors.append(("scalar", Tensor(shape: [], values: [.pi])))
        tensors.append(("empty", Tensor(shape: [0, 4], values: [])))
        tensors.append(("quote\"back\\slash\nnewline\u{1}ünï", Tensor(shape: [1], values: [-2])))
        return tensors
    }()

    static let metadata = ["format": "pt", "note": "ünï \"q\"\n", "": "empty key"]

    static func write(_ path: String, _ tensors: [(name: String, tensor: Tensor)] = sample,
                      metadata: [String: String] = metadata) throws {
        let writer = try SafetensorsWriter(path: path, displayPath: path,
                                           tensors: tensors.map { TensorInfo(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape) },
                                           metadata: metadata)
        for (name, tensor) in tensors { try writer.add(name: name, tensor: tensor) }
        try writer.finish()
    }

    @Test func writtenFileReadsBackBitForBit() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        try Self.write(path)
        let source = try SafetensorsSource(path: path)
        #expect(source.headerMetadata == Self.metadata)
        #expect(source.tensors.map(\.name) == Self.sample.map(\.name))
        let scratch = ScratchBuffer()
        for (name, tensor) in Self.sample {
            #expect(try source.load(name) == tensor, "\(name)")
            #expect(Array(try source.read(name, into: scratch).bytes) == tensor.bytes, "\(name)")
        }
    }

    @Test func outputIsDeterministicAndTheHeaderPaddedToEightBytes() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        try Self.write(files.path("a.safetensors"))
        try Self.write(files.path("b.safetensors"))
        let a = try Data(contentsOf: URL(fileURLWithPath: files.path("a.safetensors")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: files.path("b.safetensors")))))
        for count in 0 ..< 9 {
            let name = String(repeating: "w", count: count + 1)
            let (bytes, _) = try encodeSafetensorsHeader(tensors: [TensorInfo(name: name, dtype: .int8, shape: [1])], metadata: [:])
            let length = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect(bytes.count == 8 + length && length % 8 == 0)
            let json = "{\"\(name)\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}"
            #expect(Array(bytes.dropFirst(8)) == Array(json.utf8) + [UInt8](repeating: 0x20, count: length - json.utf8.count))
        }
    }

    @Test func headerPutsSortedMetadataFirstThenTensorsInTheGivenOrder() throws {
        let (bytes, counts) = try encodeSafetensorsHeader(
            tensors: [TensorInfo(name: "b", dtype: .bfloat16, shape: [2, 2]), TensorInfo(name: "a", dtype: .float32, shape: [])],
            metadata: ["z": "1", "a": "\u{7}"])
        let json = String(decoding: bytes.dropFirst(8), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        #expect(json == #"{"__metadata__":{"a":"\u0007","z":"1"},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#)
        #expect(counts == [8, 4])
    }

    @Test func dataStreamedInPiecesGivesTheSameFile() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        try Self.write(files.path("whole.safetensors"))
        let path = files.path("pieces.safetensors")
        let writer = try SafetensorsWriter(path: path, displayPath: path,
                                           tensors: Self.sample.map { TensorInfo(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape) },
                                           metadata: Self.metadata)
        for (name, tensor) in Self.sample {
            try writer.add(name: name, dtype: tensor.dtype, shape: tensor.shape) { write in
                try tensor.bytes.withUnsafeBytes { bytes in
                    for start in stride(from: 0, to: bytes.count, by: 5) {
                        try write(UnsafeRawBufferPointer(rebasing: bytes[start ..< min(start + 5, bytes.count)]))
                    }
                }
            }
        }
        try writer.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: files.path("whole.safetensors"))))
    }

    static let declared = [TensorInfo(name: "a", dtype: .float32, shape: [2]), TensorInfo(name: "b", dtype: .int8, shape: [3])]
    static let a = Tensor(shape: [2], values: [1, 2])
    static let b = try! Tensor(dtype: .int8, shape: [3], bytes: [1, 2, 3])

    @Test func addsOutOfOrderOrMismatchedAreRefusedBeforeWritingAndTheWriterGoesOn() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        let writer = try SafetensorsWriter(path: path, displayPath: "shown.safetensors", tensors: Self.declared, metadata: [:])
        let outOfOrder = try #require(fileFailure { try writer.add(name: "b", tensor: Self.b) })
        #expect(outOfOrder.underlying as? SafetensorsWriterError == .unexpectedTensor(added: "b", expected: "a"))
        #expect(outOfOrder.message == "shown.safetensors: 'b': tensor 'b' added where 'a' was declared next")
        let wrongDType = try #require(fileFailure { try writer.add(name: "a", tensor: Tensor(shape: [2], values: [1, 2]).widened(to: .float64)) })
        #expect(wrongDType.underlying as? SafetensorsWriterError
            == .mismatchedTensor(declared: Self.declared[0], added: TensorInfo(name: "a", dtype: .float64, shape: [2])))
        let wrongShape = try #require(fileFailure { try writer.add(name: "a", tensor: Tensor(shape: [1, 2], values: [1, 2])) })
        #expect(wrongShape.message.hasSuffix("added as float32 (1, 2) but declared as float32 (2,)"))
        try writer.add(name: "a", tensor: Self.a)
        try writer.add(name: "b", tensor: Self.b)
        let extra = try #require(fileFailure { try writer.add(name: "c", tensor: Self.b) })
        #expect(extra.underlying as? SafetensorsWriterError == .unexpectedTensor(added: "c", expected: nil))
        try writer.finish()
        #expect(try SafetensorsSource(path: path).load("b") == Self.b)
    }

    @Test(arguments: [[4], [8, 4], [4, 1], [] as [Int]])
    func wrongByteCountsAreRefusedAndLeaveTheWriterClosed(pieces: [Int]) throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        let writer = try SafetensorsWriter(path: path, displayPath: path, tensors: Self.declared, metadata: [:])
        let zeros = [UInt8](repeating: 0, count: 16)
        let failure = try #require(fileFailure {
            try writer.add(name: "a", dtype: .float32, shape: [2]) { write in
                try zeros.withUnsafeBytes { bytes in
                    for count in pieces { try write(UnsafeRawBufferPointer(rebasing: bytes[0 ..< count])) }
                }
            }
        })
        let total = pieces.reduce(0, +)
        #expect(failure.underlying as? SafetensorsWriterError == .wrongByteCount(expected: 8, written: total))
        #expect(failure.member == "a")
        let closed = try #require(fileFailure { try writer.add(name: "b", tensor: Self.b) })
        #expect(closed.underlying as? SafetensorsWriterError == .closed)
        #expect(fileFailure { try writer.finish() }.map { $0.underlying as? SafetensorsWriterError } == .closed)
    }

    @Test func finishingEarlyNamesTheMissingTensors() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        let writer = try SafetensorsWriter(path: path, displayPath: path, tensors: Self.declared, metadata: [:])
        try writer.add(name: "a", tensor: Self.a)
        let failure = try #require(fileFailure { try writer.finish() })
        #expect(failure.underlying as? SafetensorsWriterError == .missingTensors(["b"]))
    }

    @Test func declaredListsWithDuplicatesOrTheMetadataKeyAreRefused() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        let duplicate = try #require(fileFailure {
            _ = try SafetensorsWriter(path: path, displayPath: path, tensors: Self.declared + [Self.declared[0]], metadata: [:])
        })
        #expect(duplicate.underlying as? SafetensorsWriterError == .duplicateTensor("a"))
        #expect(duplicate.member == "a")
        let reserved = try #require(fileFailure {
            _ = try SafetensorsWriter(path: path, displayPath: path,
                                      tensors: [TensorInfo(name: "__metadata__", dtype: .int8, shape: [])], metadata: [:])
        })
        #expect(reserved.underlying as? SafetensorsWriterError == .reservedName)
        let negative = try #require(fileFailure {
            _ = try SafetensorsWriter(path: path, displayPath: path, tensors: [TensorInfo(name: "w", dtype: .int8, shape: [-1])], metadata: [:])
        })
        #expect(negative.underlying as? SafetensorsWriterError == .invalidShape(.negativeDimension(-1)))
    }

    @Test func bothWritersServeAsTensorFileWriters() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let st = files.path("out.safetensors"), npz = files.path("out.npz")
        let writers: [any TensorFileWriter] = [
            try SafetensorsWriter(path: st, displayPath: st, tensors: Self.declared, metadata: [:]),
            try NPZWriter(path: npz, displayPath: npz, compressed: false),
        ]
        for writer in writers {
            try writer.add(name: "a", tensor: Self.a)
            try Self.b.bytes.withUnsafeBytes { try writer.add(name: "b", dtype: .int8, shape: [3], bytes: $0) }
            try writer.finish()
        }
        for source in [try openTensorSource(path: st), try openTensorSource(path: npz)] {
            #expect(try source.load("a") == Self.a && source.load("b") == Self.b)
        }
    }

    @Test(.enabled(if: pythonSafetensorsAvailable, "python3 with safetensors and NumPy is not available"))
    func theReferenceSafetensorsPackageReadsWrittenFiles() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.safetensors")
        try Self.write(path)
        let plain = files.path("plain.safetensors")
        try Self.write(plain, Self.sample.filter { $0.tensor.dtype.numpyTypeCode != nil })
        // NumPy has no bfloat16 nor float8: load_file reads the file without them, deserialize the raw bytes of all.
        let report = try runPython("""
            import json, sys
            import safetensors, safetensors.numpy
            from safetensors import safe_open
            arrays = safetensors.numpy.load_file(sys.argv[2])
            with safe_open(sys.argv[1], framework="numpy") as f:
                metadata = f.metadata()
            raw = safetensors.deserialize(open(sys.argv[1], "rb").read())
            print(json.dumps({
                "metadata": metadata,
                "arrays": {k: [str(v.dtype), list(v.shape), v.tobytes().hex()] for k, v in arrays.items()},
                "raw": {k: [t["dtype"], list(t["shape"]), bytes(t["data"]).hex()] for k, t in raw},
            }))
            """, path, plain)
        struct Report: Decodable {
            let metadata: [String: String]
            let arrays: [String: [JSONValue]]
            let raw: [String: [JSONValue]]
        }
        let decoded = try JSONDecoder().decode(Report.self, from: report)
        #expect(decoded.metadata == Self.metadata)
        #expect(decoded.raw.count == Self.sample.count)
        for (name, tensor) in Self.sample {
            let hex = tensor.bytes.map { String(format: "%02x", $0) }.joined()
            #expect(decoded.raw[name] == [.string(tensor.dtype.safetensorsCode), .array(tensor.shape.map(JSONValue.integer)), .string(hex)], "\(name)")
            if tensor.dtype.numpyTypeCode != nil {
                let numpyName: JSONValue = .string(tensor.dtype == .bool ? "bool" : "\(tensor.dtype)")
                #expect(decoded.arrays[name] == [numpyName, .array(tensor.shape.map(JSONValue.integer)), .string(hex)], "\(name)")
            }
        }
    }
}

/// Whether `python3` can import safetensors' NumPy API, for the interoperability test.
let pythonSafetensorsAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import safetensors.numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

extension Tensor {
    /// The float32 tensor's values as `dtype` (float64 here), for a mismatched add.
    fileprivate func widened(to dtype: DType) -> Tensor {
        let values = floatValues()!.map(Double.init)
        return try! Tensor(dtype: dtype, shape: shape, bytes: values.withUnsafeBytes(Array.init))
    }
}
