import CZlib
import Testing

@testable import QuantKit

@Suite struct CRC32Tests {
    /// zlib's CRC, the reference.
    func zlibCRC(_ bytes: [UInt8], from crc: UInt32 = 0) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { CZlib.crc32(UInt(crc), $0.baseAddress, UInt32($0.count)) })
    }

    @Test func foldedPiecesMatchZlibForEveryLengthAroundTheBlockSizes() {
        var random = SplitMix64(seed: 1)
        let data = (0 ..< 4096).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
        // The 64-byte loop below 512 bytes, the 256-byte AVX-512 loop (where the CPU has it) above.
        for length in Array(0 ... 200) + [255, 256, 257] + Array(496 ... 840) + [1000, 1023, 4095, 4096] {
            let piece = Array(data[..<length])
            let ours = piece.withUnsafeBufferPointer { pieceCRC32($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, length) }
            #expect(UInt32(ours) == zlibCRC(piece), "length \(length)")
        }
    }

    @Test func combinedPiecesEqualOneCRCWhateverTheThreadCount() {
        var random = SplitMix64(seed: 2)
        // Three 4 MiB pieces and a tail; eight random bytes per generator step.
        let words = (0 ..< ((9 << 20) + 123) / 8 + 1).map { _ in random.next() }
        let data = Array(words.withUnsafeBytes { Array($0) }.prefix((9 << 20) + 123))
        let expected = zlibCRC(data, from: 0x1234_5678)
        for threads in [1, 2, 3] {
            let ours = data.withUnsafeBytes { zipCRC32(0x1234_5678, $0, threads: threads) }
            #expect(ours == expected, "threads \(threads)")
        }
    }
}
