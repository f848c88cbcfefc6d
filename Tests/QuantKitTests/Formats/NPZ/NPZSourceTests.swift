import Foundation
import Testing

@testable import QuantKit

/// `Fixtures/npz/<name>`.
private func npzFixture(_ name: String) -> String {
    fixturesFolder.appendingPathComponent("npz").appendingPathComponent(name).path
}


@Suite struct NPZSourceTests {
    static let weight = Tensor(shape: [2, 3], values: [0, 0.25, 0.5, 0.75, 1, 1.25])
    static let bias = try! Tensor(dtype: .float64, shape: [2], bytes: [-1.5, 2.5].flatMap { withUnsafeBytes(of: $0, Array.init) })

    @Test(arguments: ["stored.npz", "deflated.npz", "comment.npz", "descriptor.npz", "folders.npz", "zip64.npz"])
    func everyZipVariantReadsTheSameTensors(file: String) throws {
        let source = try NPZSource(path: npzFixture(file))
        #expect(source.tensors == [TensorInfo(name: "layers/0/weight", dtype: .float32, shape: [2, 3]),
                                   TensorInfo(name: "bias", dtype: .float64, shape: [2])])
        #expect(try source.load("layers/0/weight") == Self.weight)
        #expect(try source.load("bias") == Self.bias)
    }

    @Test func unicodeMemberNamesBecomeTensorNames() throws {
        let source = try NPZSource(path: npzFixture("unicode.npz"))
        #expect(source.tensors.map(\.name) == ["ünïcødé"])
    }

    @Test func writerOutputReadsBackBitForBit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("npz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let int8 = try Tensor(dtype: .int8, shape: [3], bytes: [0x80, 0x00, 0x7F])
        let scalar = Tensor(shape: [], values: [.pi])
        let empty = Tensor(shape: [0, 4], values: [])
        for compressed in [false, true] {
            let path = folder.appendingPathComponent("out-\(compressed).npz").path
            let writer = try NPZWriter(path: path, displayPath: path, compressed: compressed)
            for (name, tensor) in [("a/b", Self.weight), ("codes", int8), ("scalar", scalar), ("empty", empty)] {
                try writer.add(name: name, tensor: tensor)
            }
            try writer.finish()
            let source = try NPZSource(path: path)
            #expect(source.tensors.map(\.name) == ["a/b", "codes", "scalar", "empty"])
            #expect(try source.load("a/b") == Self.weight)
            #expect(try source.load("codes") == int8)
            #expect(try source.load("scalar") == scalar)
            #expect(try source.load("empty") == empty)
        }
    }

    @Test func memberLargerThanItsHeaderImpliesIsRefusedAtOpen() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("size_mismatch.npz")) })
        #expect(failure.underlying as? NPZError == .sizeMismatch(declared: 128 + 24 + 8, implied: 128 + 24))
        #expect(failure.member == "w.npy")
        #expect(failure.message.contains("possible zip bomb"))
    }

    @Test func memberShorterThanItsHeaderImpliesIsRefusedAtOpen() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("short_member.npz")) })
        #expect(failure.underlying as? NPZError == .sizeMismatch(declared: 128 + 20, implied: 128 + 24))
    }

    @Test func memberThatIsNotAnArrayIsRefusedNamingIt() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("not_npy.npz")) })
        #expect(failure.underlying as? NPYError == .badMagic)
        #expect(failure.member == "README.txt")
    }

    @Test func objectArrayIsRefusedWithoutUnpickling() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("object.npz")) })
        #expect(failure.underlying as? NPYError == .objectDType)
        #expect(failure.message.hasPrefix(npzFixture("object.npz") + ": 'obj.npy': "))
    }

    @Test func twoMembersForOneTensorNameAreRefused() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("duplicate_tensor.npz")) })
        #expect(failure.underlying as? NPZError == .duplicateTensor("w"))
    }

    @Test func crcMismatchIsFoundWhenTheTensorIsLoaded() throws {
        let path = npzFixture("crc_mismatch.npz")
        let source = try NPZSource(path: path)
        let failure = try #require(fileFailure {
            for info in source.tensors { _ = try source.load(info.name) }
        })
        guard case .crcMismatch? = failure.underlying as? ZipError else {
            Issue.record("expected a CRC mismatch, got \(failure.underlying)")
            return
        }
        #expect(failure.message.contains("CRC-32 mismatch"))
    }

    @Test func zipBombDeclaringAnAbsurdSizeIsRefusedBeforeInflating() throws {
        let failure = try #require(fileFailure { _ = try NPZSource(path: npzFixture("../zip/bomb_ratio.zip")) })
        guard case .implausibleCompressionRatio? = failure.underlying as? ZipError else {
            Issue.record("expected the compression-ratio guard, got \(failure.underlying)")
            return
        }
    }

    @Test func unknownTensorNameIsAnError() throws {
        let source = try NPZSource(path: npzFixture("stored.npz"))
        let failure = try #require(fileFailure { _ = try source.load("nope") })
        #expect(failure.underlying as? NPZError == .noSuchTensor("nope"))
    }
}
