#if canImport(Glibc)
import Glibc
#endif
import CFuzzerDriver
import QuantKit

/// What every fuzz target shares: a file to hand the input to the readers through (they read
/// files with `pread` and `mmap`, so the input goes through the same code as a user's file),
/// and one walk over everything a reader offers.
///
/// A fuzz input may make a reader throw; it must never make it trap, hang or allocate beyond
/// what the file's own size bounds. Anything thrown is ignored here.
/// The files `FuzzSupport.file(with:suffix:)` wrote; the fuzz loop runs on one thread.
nonisolated(unsafe) private var createdFiles: Set<String> = []

public enum FuzzSupport {
    /// Writes `bytes` to a file private to this process (in `/dev/shm` when it exists, so no
    /// disk is touched) whose name ends in `suffix`, and returns its path. The same path is
    /// reused by every run of the process, and removed when it exits.
    public static func file(with bytes: UnsafeRawBufferPointer, suffix: String) -> String {
        let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(directory)/quantize-fuzz-\(getpid())\(suffix)"
        createdFiles.insert(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot create \(path): errno \(errno)")
        var done = 0
        while done < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            precondition(written > 0 || errno == EINTR, "cannot write \(path): errno \(errno)")
            if written > 0 { done += written }
        }
        close(descriptor)
        return path
    }

    /// Reads every tensor of `source` both ways (`load` and `read(_:into:)`), then reads it as
    /// a quantized archive: metadata, the inspection (which loads and checks every quantized
    /// tensor) and the dequantized values of each.
    public static func exercise(_ source: any TensorSource) {
        let scratch = ScratchBuffer()
        for info in source.tensors {
            if let tensor = try? source.load(info.name) {
                precondition(tensor.shape == info.shape && tensor.dtype == info.dtype, "load disagrees with the header")
                _ = tensor.floatValues()
            }
            if let (readInfo, bytes) = try? source.read(info.name, into: scratch) {
                precondition(readInfo.shape == info.shape && bytes.count == info.storedByteCount, "read disagrees with the header")
            }
        }
        guard let archive = try? QuantizedArchive(source: source) else { return }
        _ = archive.logicalTensors
        if let inspection = try? Inspection(archive: archive) {
            _ = inspection.renderedTable()
            _ = inspection.renderedJSON()
        }
        for entry in archive.metadata?.tensors ?? [] {
            if let quantized = try? archive.loadQuantized(entry) {
                _ = quantized.dequantized()
            }
        }
    }
}

extension FuzzSupport {
    /// The most bytes one synthesized member may hold; larger members are left out (and the
    /// archive reader then reports them missing).
    static let maxMemberBytes = 1 << 20

    /// An in-memory archive whose record is `metadata` (in the `.npz` member or the safetensors
    /// header, as its layout says) and whose members have the dtype and shape the record asks
    /// for, filled by repeating `seed`.
    public static func archiveSource(metadata: ArchiveMetadata, seed: [UInt8]) -> any TensorSource {
        var members: [(info: TensorInfo, tensor: Tensor)] = []
        var headerMetadata: [String: String] = [:]
        if let recordMember = metadata.layout()?.fileFormat.recordMember {
            let record = metadata.encoded()
            let info = TensorInfo(name: recordMember, dtype: .uint8, shape: [record.count])
            members.append((info, try! Tensor(dtype: .uint8, shape: [record.count], bytes: record)))
        } else {
            headerMetadata = metadata.safetensorsMetadata
        }
        let recordOnly = MemorySource(members: members, headerMetadata: headerMetadata)
        guard let skeleton = try? QuantizedArchive(source: recordOnly) else { return recordOnly }
        var names = Set(members.map(\.info.name))
        for entry in metadata.tensors {
            for member in skeleton.members(of: entry) where !names.contains(member.name) {
                guard let count = try? byteCount(of: member.shape, elementSize: member.dtype.byteSize),
                      count <= maxMemberBytes else { continue }
                let bytes = seed.isEmpty ? [UInt8](repeating: 0, count: count) : (0 ..< count).map { seed[$0 % seed.count] }
                members.append((member, try! Tensor(dtype: member.dtype, shape: member.shape, bytes: bytes)))
                names.insert(member.name)
            }
        }
        return MemorySource(members: members, headerMetadata: headerMetadata)
    }
}

/// Tensors held in memory, in the order given.
struct MemorySource: TensorSource {
    let path = "<memory>"
    let tensors: [TensorInfo]
    let headerMetadata: [String: String]
    let tensorsByName: [String: Tensor]

    init(members: [(info: TensorInfo, tensor: Tensor)], headerMetadata: [String: String]) {
        self.tensors = members.map(\.info)
        self.tensorsByName = Dictionary(members.map { ($0.info.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        self.headerMetadata = headerMetadata
    }

    func load(_ name: String) throws -> Tensor {
        guard let tensor = tensorsByName[name] else { throw NPZError.noSuchTensor(name) }
        return tensor
    }
}

extension FuzzSupport {
    /// Hands the process to libFuzzer's driver with `target` as the function under test, and
    /// exits with its status. `target` returns 0.
    public static func run(_ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
        // libFuzzer ends the process with exit(), from inside the driver.
        atexit { for path in createdFiles { unlink(path) } }
        exit(quantize_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, target))
    }
}
