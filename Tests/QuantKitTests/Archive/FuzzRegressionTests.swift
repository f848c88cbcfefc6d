import Foundation
import Testing
@testable import QuantKit

/// Every input the fuzzers (`make fuzz`) found crashing `quantize`, kept under `Fixtures/fuzz/<target>/`
/// and read through the normal readers: each must now be refused with an error (or read), never trap.
@Suite struct FuzzRegressionTests {
    static let directory = fixturesFolder.appendingPathComponent("fuzz")

    static func files(of target: String) -> [String] {
        let folder = directory.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0).path }
    }

    /// The problems found walking `source` as the fuzz targets walk it: every tensor loaded, the
    /// file read as a quantized archive, inspected, each quantized tensor loaded and dequantized.
    static func walk(_ source: any TensorSource) -> [String] {
        var problems: [String] = []
        for info in source.tensors {
            do { _ = try source.load(info.name) } catch { problems.append("\(error)") }
        }
        do {
            let archive = try QuantizedArchive(source: source)
            problems += try Inspection(archive: archive).problems
            for entry in archive.metadata?.tensors ?? [] {
                do { _ = try archive.loadQuantized(entry).dequantized() } catch { problems.append("\(error)") }
            }
        } catch {
            problems.append("\(error)")
        }
        return problems
    }

    @Test(arguments: ["FuzzNPY", "FuzzZip", "FuzzSafetensors"].flatMap(files(of:)))
    func tensorFileReproducerIsRefusedWithoutTrapping(_ path: String) {
        do {
            #expect(!Self.walk(try openTensorSource(path: path)).isEmpty, "\(path) was read without a problem")
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }

    /// A per-channel entry without `axis` used to reach `dequantized()` with an axis of nil and one
    /// scale per channel, and trap there (found by FuzzSafetensors and FuzzArchiveMetadata).
    @Test func perChannelEntryWithoutAxisIsRefused() throws {
        let source = try openTensorSource(path: Self.directory.appendingPathComponent("FuzzSafetensors/per_channel_without_axis.safetensors").path)
        let archive = try QuantizedArchive(source: source)
        let entry = try #require(archive.metadata?.tensors.first)
        let failure = fileFailure { _ = try archive.loadQuantized(entry) }
        #expect(failure?.underlying as? ArchiveError == .invalidMetadata("entry 'w.weight' is per channel but has no axis"))
        #expect(try Inspection(archive: archive).problems == ["'w.weight': invalid __quantization__ metadata: entry 'w.weight' is per channel but has no axis"])
    }

    /// An entry whose original dtype is an integer type used to give the compressed-tensors layout
    /// an integer scale, whose missing float values were force-unwrapped (found by FuzzArchiveMetadata).
    @Test func entryWithIntegerOriginalDTypeIsRefused() throws {
        let source = try openTensorSource(path: Self.directory.appendingPathComponent("FuzzSafetensors/integer_original_dtype.safetensors").path)
        let archive = try QuantizedArchive(source: source)
        let entry = try #require(archive.metadata?.tensors.first)
        let failure = fileFailure { _ = try archive.loadQuantized(entry) }
        #expect(failure?.underlying as? ArchiveError
            == .invalidMetadata("entry 'w.weight' has original dtype uint8, which is not floating point"))
    }

    @Test(arguments: files(of: "FuzzArchiveMetadata"))
    func metadataReproducerIsRefusedWithoutTrapping(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        guard let metadata = try? ArchiveMetadata.decode(bytes) else { return }
        #expect(!Self.walk(MemoryArchive(metadata: metadata)).isEmpty, "\(path) was read without a problem")
    }
}

/// An `.npz`-layout archive in memory: the record, and every member its entries name, of the
/// dtype and shape the layout gives it, filled with ones (members over 1 MiB are left out).
struct MemoryArchive: TensorSource {
    let path = "memory.npz"
    let tensors: [TensorInfo]
    let contents: [String: Tensor]

    init(metadata: ArchiveMetadata) {
        let record = metadata.encoded()
        var members = [(TensorInfo(name: NPZLayout.metadataName, dtype: .uint8, shape: [record.count]),
                        try! Tensor(dtype: .uint8, shape: [record.count], bytes: record))]
        let skeleton = try! QuantizedArchive(source: MemorySource(members: members))
        for entry in metadata.tensors {
            for info in skeleton.members(of: entry) where !members.contains(where: { $0.0.name == info.name }) {
                let count = info.storedByteCount
                guard count <= 1 << 20 else { continue }
                members.append((info, try! Tensor(dtype: info.dtype, shape: info.shape, bytes: [UInt8](repeating: 1, count: count))))
            }
        }
        tensors = members.map(\.0)
        contents = Dictionary(members.map { ($0.0.name, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    func load(_ name: String) throws -> Tensor {
        guard let tensor = contents[name] else { throw NPZError.noSuchTensor(name) }
        return tensor
    }
}

/// Tensors held in memory.
private struct MemorySource: TensorSource {
    let path = "memory.npz"
    let members: [(TensorInfo, Tensor)]
    var tensors: [TensorInfo] { members.map(\.0) }

    func load(_ name: String) throws -> Tensor {
        guard let member = members.first(where: { $0.0.name == name }) else { throw NPZError.noSuchTensor(name) }
        return member.1
    }
}
