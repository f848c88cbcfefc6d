import Foundation

/// The package root, found from this file's path.
let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path), url.path != "/" {
        url.deleteLastPathComponent()
    }
    return url
}()

/// A fixture file under `Fixtures/`.
func fixture(_ relativePath: String) -> String {
    packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relativePath).path
}

/// The outcome of one run of the built `quantize` binary.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The built binary: `$QUANTIZE_BIN`, else `.build/debug/quantize` (`make test` builds it first).
let quantizeBinary = ProcessInfo.processInfo.environment["QUANTIZE_BIN"]
    ?? packageRoot.appendingPathComponent(".build/debug/quantize").path

/// Runs the built binary with `arguments`, in `directory` when given.
func runQuantize(_ arguments: [String], in directory: URL? = nil) throws -> RunResult {
    try runProcess(quantizeBinary, arguments, in: directory)
}

/// Runs `executable` with `arguments` (in `directory` when given), waiting for it to finish.
func runProcess(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so a full pipe cannot block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus,
                     stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: stderr, as: UTF8.self))
}

/// Whether `python3` with NumPy can run here (interoperability tests need it).
let numpyAvailable: Bool = {
    (try? runPython("import numpy"))?.status == 0
}()

/// Runs `python3 -c script args...`.
func runPython(_ script: String, _ arguments: [String] = []) throws -> RunResult {
    try runProcess("/usr/bin/env", ["python3", "-c", script] + arguments)
}

/// A fresh empty folder for one test, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("quantize-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names of the files in the folder, sorted (hidden temporary files included).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
