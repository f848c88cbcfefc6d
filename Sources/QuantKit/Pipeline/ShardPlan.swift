import Foundation

/// Which files a run reads and writes.
///
/// One input file goes to the output path as given. Several inputs, or one folder (its `.npz`
/// and `.npy` files, in natural order), are shards of one checkpoint: each goes to a file of
/// the same name in the output folder (created when missing), a `.npy` shard becoming `.npz`.
/// The output folder may not be an input folder.
public struct ShardPlan: Sendable, Equatable {
    public struct Job: Sendable, Equatable {
        public let input: String
        public let output: String
    }

    public let jobs: [Job]
    /// Whether the run has shards (an output folder) rather than one output file.
    public let sharded: Bool

    public init(inputs: [String], output: String) throws(ShardError) {
        var isFolder: ObjCBool = false
        if inputs.count == 1, !(FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isFolder) && isFolder.boolValue) {
            jobs = [Job(input: inputs[0], output: output)]
            sharded = false
            return
        }
        var files: [String] = []
        for input in inputs {
            if FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                let shards = names.filter { $0.hasSuffix(".npz") || $0.hasSuffix(".npy") }.sorted(by: naturallyPrecedes)
                guard !shards.isEmpty else { throw .emptyFolder(input) }
                files += shards.map { URL(fileURLWithPath: input).appendingPathComponent($0).path }
            } else {
                files.append(input)
            }
        }
        var outputFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &outputFolder), !outputFolder.boolValue {
            throw .outputNotAFolder(output)
        }
        let target = URL(fileURLWithPath: output).standardizedFileURL
        var names = Set<String>()
        jobs = try files.map { (file) throws(ShardError) in
            let url = URL(fileURLWithPath: file)
            guard url.deletingLastPathComponent().standardizedFileURL != target else { throw .outputIsInputFolder(output) }
            let name = url.pathExtension == "npy" ? url.deletingPathExtension().lastPathComponent + ".npz" : url.lastPathComponent
            guard names.insert(name).inserted else { throw .duplicateShardName(name) }
            return Job(input: file, output: target.appendingPathComponent(name).path)
        }
        sharded = true
    }

    /// Creates the output folder of a sharded run.
    public func createOutputFolder() throws {
        guard sharded, let first = jobs.first else { return }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: first.output).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
    }
}

/// Why a set of inputs and an output cannot be paired.
public enum ShardError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyFolder(String)
    case outputNotAFolder(String)
    case outputIsInputFolder(String)
    case duplicateShardName(String)

    public var description: String {
        switch self {
        case .emptyFolder(let folder): "\(folder): no .npz or .npy files in this folder"
        case .outputNotAFolder(let output): "\(output): several shards need an output folder, and this is a file"
        case .outputIsInputFolder(let output): "\(output): the output folder is an input folder; the shards would overwrite themselves"
        case .duplicateShardName(let name): "two shards would both be written as '\(name)'"
        }
    }
}
