import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct GGUFSplitCommandTests {
    let first = fixture("gguf/split/tiny_split-00001-of-00004.gguf")

    @Test func keepSplitWritesEveryShardAndListsThem() throws {
        let folder = try TemporaryFolder()
        let result = cli([first, "-o", folder.path("out.gguf"), "--type", "Q4_K_M", "--keep-split"])
        #expect(result.status == .success, "\(result.err)")
        let shards = (1 ... 4).map { "out-0000\($0)-of-00004.gguf" }
        #expect(try folder.contents() == shards)
        for (index, shard) in shards.enumerated() {
            #expect(result.out.contains("output file \(index + 1) of 4: \(folder.path(shard)): "))
        }
        #expect(result.out.contains("input shard 4 of 4: \(fixture("gguf/split/tiny_split-00004-of-00004.gguf"))\n"))
    }

    @Test func withoutKeepSplitTheShardsBecomeOneFile() throws {
        let folder = try TemporaryFolder()
        let result = cli([first, "-o", folder.path("out.gguf"), "--type", "Q8_0", "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        #expect(try folder.contents() == ["out.gguf"])
        #expect(result.out.contains("\"tensorCount\" : 21"))
    }

    @Test func theDryRunNamesTheShardsItWouldWrite() throws {
        let folder = try TemporaryFolder()
        let result = cli([first, "-o", folder.path("out.gguf"), "--type", "Q8_0", "--keep-split", "--dry-run"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("output file 2 of 4: \(folder.path("out-00002-of-00004.gguf")): 6 tensor(s), "))
        #expect(result.out.hasSuffix("dry run: nothing written\n"))
        #expect(try folder.contents().isEmpty)
    }

    @Test func aShardOtherThanTheFirstIsRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let second = fixture("gguf/split/tiny_split-00002-of-00004.gguf")
        let result = cli([second, "-o", folder.path("out.gguf"), "--type", "Q8_0"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(second): is shard 2 of 4 (split.no 1); give the first shard, whose name ends in "
            + "-00001-of-00004.gguf\n")
        #expect(try folder.contents().isEmpty)
    }

    @Test func keepSplitNeedsType() {
        let result = cli([first, "-o", "out.gguf", "--keep-split"])
        #expect(result.status == .usage)
        #expect(result.err == "quantize: '--keep-split' requires '--type' (see 'quantize --help')\n")
    }
}
