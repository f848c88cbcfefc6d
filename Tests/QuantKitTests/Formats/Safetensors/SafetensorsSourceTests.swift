import Foundation
import Testing

@testable import QuantKit

@Suite struct SafetensorsSourceTests {
    @Test func expectedJSONListsEveryValidFixture() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SafetensorsFixtures.path("valid"))
            .filter { $0.hasSuffix(".safetensors") }
        #expect(Set(SafetensorsFixtures.expectations.map(\.file)) == Set(files))
        #expect(files.count == 9)
    }

    @Test(arguments: SafetensorsFixtures.expectations)
    func validFixtureLoadsWithExactBytesAndValues(expected: SafetensorsFixtures.Expectation) throws {
        let source = try SafetensorsSource(path: SafetensorsFixtures.path("valid/" + expected.file))
        #expect(source.headerMetadata == expected.metadata)
        #expect(source.tensors.map(\.name) == expected.tensors.map(\.name))
        let scratch = ScratchBuffer()
        for entry in expected.tensors {
            let info = TensorInfo(name: entry.name, dtype: try #require(DType(rawValue: entry.dtype)), shape: entry.shape)
            #expect(source.tensors.contains(info))
            let tensor = try source.load(entry.name)
            #expect(tensor.dtype == info.dtype && tensor.shape == info.shape)
            #expect(tensor.bytes == NPYFixtures.hexBytes(entry.hex), "\(entry.name)")
            let (readInfo, bytes) = try source.read(entry.name, into: scratch)
            #expect(readInfo == info)
            #expect(Array(bytes) == NPYFixtures.hexBytes(entry.hex), "\(entry.name)")
            if let float32Hex = entry.float32Hex {
                let floats = try #require(tensor.floatValues())
                #expect(floats.withUnsafeBytes(Array.init) == NPYFixtures.hexBytes(float32Hex), "\(entry.name)")
            }
        }
    }

    static let refusals: [(file: String, error: SafetensorsError)] = [
        ("too_short", .truncatedHeaderLength(fileSize: 5)),
        ("truncated_header", .headerPastEnd(declared: 56, available: 22)),
        ("header_past_end", .headerPastEnd(declared: 99_999_999, available: 62)),
        ("huge_header_length", .headerTooLarge(declared: .max)),
        ("not_utf8", .headerNotUTF8),
        ("not_object", .headerNotObject),
        ("overlap", .overlap(tensor: "b", other: "a")),
        ("hole", .gap(tensor: "b", begin: 12, expected: 8)),
        ("past_end", .offsetsPastEnd(tensor: "b", end: 16, dataSize: 12)),
        ("size_mismatch", .sizeMismatch(tensor: "w", begin: 0, end: 8, expected: 12)),
        ("trailing_data", .trailingData(count: 4)),
        ("reversed_offsets", .reversedOffsets(tensor: "w", begin: 8, end: 0)),
        ("f8_e8m0", .unsupportedDType(tensor: "w", code: "F8_E8M0")),
        ("unknown_dtype", .unsupportedDType(tensor: "w", code: "Q7")),
        ("negative_dim", .invalidShape(tensor: "w", .negativeDimension(-1))),
        ("overflow_shape", .invalidShape(tensor: "w", .elementCountOverflow([1 << 32, 1 << 32]))),
        ("fractional_offset",
         .invalidEntry(tensor: "w", reason: "\"data_offsets\" is missing or not two non-negative integers")),
        ("entry_not_object", .invalidEntry(tensor: "w", reason: "not a JSON object")),
        ("metadata_not_string", .metadataValueNotString(key: "epoch")),
        ("metadata_not_object", .metadataNotObject),
        ("duplicate_tensor", .duplicateKey("w", object: nil)),
        ("duplicate_field", .duplicateKey("dtype", object: "w")),
    ]

    @Test(arguments: refusals.map(\.file))
    func invalidFixtureIsRefusedNamingFileAndTensor(file: String) throws {
        let expected = try #require(Self.refusals.first { $0.file == file }).error
        let path = SafetensorsFixtures.path("invalid/\(file).safetensors")
        let failure = try #require(fileFailure { _ = try SafetensorsSource(path: path) })
        #expect(failure.underlying as? SafetensorsError == expected)
        #expect(failure.member == expected.tensor)
        let location = expected.tensor.map { "\(path): '\($0)': " } ?? "\(path): "
        #expect(failure.message.hasPrefix(location), "\(failure.message)")
        #expect(!failure.message.contains("\n"))
    }

    @Test func everyInvalidFixtureIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SafetensorsFixtures.path("invalid"))
        #expect(Set(files) == Set((Self.refusals.map(\.file) + ["bad_json"]).map { $0 + ".safetensors" }))
    }

    @Test func invalidJSONIsRefusedWithTheParsersReasonOnOneLine() throws {
        let path = SafetensorsFixtures.path("invalid/bad_json.safetensors")
        let failure = try #require(fileFailure { _ = try SafetensorsSource(path: path) })
        guard case .invalidJSON? = failure.underlying as? SafetensorsError else {
            Issue.record("expected invalid JSON, got \(failure.underlying)")
            return
        }
        #expect(failure.message.hasPrefix(path + ": safetensors header is not valid JSON: "))
        #expect(!failure.message.contains("\n"))
    }

    @Test func dtypeMessagesTellUnsupportedFromUnknown() {
        #expect(SafetensorsError.unsupportedDType(tensor: "w", code: "F8_E8M0").description
            .hasPrefix("dtype F8_E8M0 is not supported; quantize reads F16, BF16, F32, F64, I8"))
        #expect(SafetensorsError.unsupportedDType(tensor: "w", code: "Q7").description.hasPrefix("unknown dtype \"Q7\""))
    }

    @Test func unknownTensorNameIsAnError() throws {
        let source = try SafetensorsSource(path: SafetensorsFixtures.path("valid/multi.safetensors"))
        let failure = try #require(fileFailure { _ = try source.load("nope") })
        #expect(failure.underlying as? SafetensorsError == .noSuchTensor("nope"))
        #expect(fileFailure { _ = try source.read("nope", into: ScratchBuffer()) } != nil)
    }

    @Test func tensorsAreListedInDataOffsetOrderWhateverTheHeaderKeyOrder() throws {
        let source = try SafetensorsSource(path: SafetensorsFixtures.path("valid/multi.safetensors"))
        #expect(source.tensors.map(\.name) == ["model.layers.0.weight", "model.layers.0.bias", "embed/tokens", "lm_head.weight"])
    }

    @Test func openTensorSourceRecognisesSafetensorsByNameAndByContent() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let original = SafetensorsFixtures.path("valid/multi.safetensors")
        #expect(try openTensorSource(path: original) is SafetensorsSource)
        let unnamed = files.path("weights.bin")
        try FileManager.default.copyItem(atPath: original, toPath: unnamed)
        #expect(try openTensorSource(path: unnamed) is SafetensorsSource)
        // A header length of 19280 bytes (`{"__metadata__":{"pad":"` and `"}}` around the value)
        // starts the file with "PK", as a zip does.
        let padded = files.path("pk.bin")
        let writer = try SafetensorsWriter(path: padded, displayPath: padded, tensors: [],
                                           metadata: ["pad": String(repeating: "x", count: 19280 - 27)])
        try writer.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: padded)))
        #expect(bytes.prefix(2) == [0x50, 0x4B])
        #expect(try openTensorSource(path: padded) is SafetensorsSource)
    }

    @Test func openTensorSourceStillRefusesUnknownFilesNamingSafetensors() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("notes.txt")
        try Data("# quantize notes\n".utf8).write(to: URL(fileURLWithPath: path))
        let failure = try #require(fileFailure { _ = try openTensorSource(path: path) })
        #expect(failure.underlying as? UnknownFormat == UnknownFormat(prefix: Array("# qu".utf8)))
        #expect(failure.message.contains("nor a safetensors or GGUF file"))
    }

    @Test func duplicateKeysAreFoundAtEveryLevelAndThroughEscapes() {
        func duplicate(_ json: String) -> (key: String, object: String?)? { firstDuplicateKey(inJSON: Array(json.utf8)) }
        #expect(duplicate(#"{"a":1,"b":{"c":1,"d":[1,{"c":2}]}}"#) == nil)
        #expect(duplicate(#"{"a":["a","a"],"b":"a"}"#) == nil)
        #expect(duplicate(#"{"a":"}\"{,","b":{"x":"\\","y":1}}"#) == nil)
        #expect(duplicate(#"{"a":1,"\u0061":2}"#)! == ("a", nil))
        #expect(duplicate(#"{"t":{"dtype":"F32","shape":[],"dtype":"I8"}}"#)! == ("dtype", "t"))
        #expect(duplicate(#"{"t":{"x":{"k":1,"k":2}}}"#)! == ("k", "t"))
    }
}
