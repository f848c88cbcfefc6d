import Foundation

/// The repository's `Fixtures/` folder: the first folder above this file that holds
/// `Package.swift`, so that tests find fixtures wherever in the test tree they live.
let fixturesFolder: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path), url.path != "/" {
        url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("Fixtures")
}()
