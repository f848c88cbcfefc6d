import CZlib
import Foundation

/// How much of a PNG is drawn: its size, how many distinct colours it has, and the share of
/// pixels that differ from the most common colour (the background).
struct PNGCoverage: Equatable {
    let width: Int
    let height: Int
    let colours: Int
    let inkShare: Double

    /// Decodes an 8-bit greyscale, RGB or RGBA non-interlaced PNG (what Chromium's screenshots
    /// are): the IDAT stream inflated with zlib, each scanline's filter undone (PNG spec,
    /// section 9); nil for anything else.
    init?(contentsOf path: String) {
        guard let blob = FileManager.default.contents(atPath: path).map(Array.init), blob.count > 8,
              blob[0 ..< 8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        var (at, idat, header) = (8, [UInt8](), [UInt8]())
        while at + 8 <= blob.count {
            let length = blob[at ..< at + 4].reduce(0) { $0 << 8 | Int($1) }
            let kind = String(decoding: blob[at + 4 ..< at + 8], as: UTF8.self)
            guard at + 12 + length <= blob.count else { return nil }
            if kind == "IHDR" { header = Array(blob[at + 8 ..< at + 8 + length]) }
            if kind == "IDAT" { idat += blob[at + 8 ..< at + 8 + length] }
            at += 12 + length
        }
        guard header.count == 13, header[8] == 8, header[12] == 0, let stride = [0: 1, 2: 3, 6: 4][Int(header[9])] else { return nil }
        width = header[0 ..< 4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4 ..< 8].reduce(0) { $0 << 8 | Int($1) }
        guard let pixels = Self.unfiltered(idat, width: width, height: height, stride: stride) else { return nil }
        var counts: [UInt32: Int] = [:]
        for index in Swift.stride(from: 0, to: pixels.count, by: stride) {
            var key: UInt32 = 0
            for channel in 0 ..< stride { key = key << 8 | UInt32(pixels[index + channel]) }
            counts[key, default: 0] += 1
        }
        colours = counts.count
        inkShare = Double(width * height - (counts.values.max() ?? 0)) / Double(max(width * height, 1))
    }

    /// The image's bytes, row after row, with the filters undone; nil when the stream does not inflate to the size.
    static func unfiltered(_ stream: [UInt8], width: Int, height: Int, stride: Int) -> [UInt8]? {
        let rowBytes = width * stride
        var filtered = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        var size = uLongf(filtered.count)
        guard uncompress(&filtered, &size, stream, uLong(stream.count)) == Z_OK, Int(size) == filtered.count else { return nil }
        var image = [UInt8](repeating: 0, count: height * rowBytes)
        for row in 0 ..< height {
            let kind = filtered[row * (rowBytes + 1)]
            guard kind <= 4 else { return nil }
            for i in 0 ..< rowBytes {
                let raw = Int(filtered[row * (rowBytes + 1) + 1 + i])
                let left = i >= stride ? Int(image[row * rowBytes + i - stride]) : 0
                let up = row > 0 ? Int(image[(row - 1) * rowBytes + i]) : 0
                let corner = row > 0 && i >= stride ? Int(image[(row - 1) * rowBytes + i - stride]) : 0
                let predicted: Int = switch kind {
                case 1: left
                case 2: up
                case 3: (left + up) / 2
                case 4: paeth(left, up, corner)
                default: 0
                }
                image[row * rowBytes + i] = UInt8((raw + predicted) & 0xFF)
            }
        }
        return image
    }

    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
        return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
    }
}
