import Testing
@testable import QuantKit

/// `ByteReader`, the cursor the `.npy` reader (and every other format) reads through.
@Suite struct NPYByteReaderTests {
    @Test func integersInBothByteOrders() {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09])
        #expect(reader.readInteger(as: UInt8.self) == 0x01)
        // Offset 1: deliberately unaligned for the wider reads.
        #expect(reader.readInteger(as: UInt16.self) == 0x0302)
        #expect(reader.readInteger(as: UInt16.self, endianness: .big) == 0x0405)
        #expect(reader.readInteger(as: UInt32.self) == 0x0908_0706)
        #expect(reader.offset == 9)
        #expect(reader.remaining == 0)
    }

    @Test func signedAndSixtyFourBit() {
        var reader = ByteReader([0xfe, 0xff, 0xff, 0xff] + [0x80, 0, 0, 0, 0, 0, 0, 0] + [0xff])
        #expect(reader.readInteger(as: Int32.self) == -2)
        #expect(reader.readInteger(as: Int64.self, endianness: .big) == .min)
        #expect(reader.readInteger(as: Int8.self) == -1)
    }

    @Test func shortReadsReturnNilWithoutMoving() {
        var reader = ByteReader([1, 2, 3])
        #expect(reader.readInteger(as: UInt8.self) == 1)
        #expect(reader.readInteger(as: UInt32.self) == nil)
        #expect(reader.offset == 1)
        #expect(reader.readBytes(3) == nil)
        #expect(reader.readBytes(-1) == nil)
        #expect(reader.offset == 1)
        #expect(reader.readBytes(2) == [2, 3])
        #expect(reader.readBytes(0) == [])
        #expect(reader.readInteger(as: UInt8.self) == nil)
        #expect(reader.offset == 3)
    }

    @Test func emptyBuffer() {
        var reader = ByteReader([])
        #expect(reader.remaining == 0)
        #expect(reader.readInteger(as: UInt16.self) == nil)
        #expect(reader.readBytes(0) == [])
    }
}
