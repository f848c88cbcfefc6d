import Foundation
import Testing

@testable import QuantKit

@Suite struct ParallelDeflateTests {
    /// A deflated member written in large pieces (compressed in parallel blocks) and small ones
    /// (the running stream) reads back exactly, and its bytes do not depend on the thread count.
    @Test func largeDeflatedWritesAreIdenticalForAnyThreadCountAndReadBack() throws {
        var random = SplitMix64(seed: 4)
        // Compressible but not trivial: small integers, like codes.
        let big = (0 ..< (5 << 20) + 77).map { _ in UInt8(truncatingIfNeeded: random.next() % 17) }
        let small = Array("a short piece between the large ones".utf8)
        var archives: [Data] = []
        for threads in [1, 2, 3] {
            let path = try temporaryZipPath("deflate-\(threads).zip")
            let writer = try ZipWriter(path: path, threads: threads)
            try writer.beginMember(name: "m.bin", compressed: true)
            try writer.write(small)
            try writer.write(big)
            try writer.write(small)
            try writer.write(big)
            try writer.endMember()
            try writer.finish()
            archives.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            let reader = try ZipReader(path: path)
            #expect(try reader.readAll(reader.entries[0]) == small + big + small + big)
            removeTemporary(path)
        }
        #expect(archives[0] == archives[1] && archives[1] == archives[2])
        // 17 symbols carry about 4.1 bits each: the blocks still compress to well under 70%.
        #expect(archives[0].count < 2 * big.count * 7 / 10)
    }
}
