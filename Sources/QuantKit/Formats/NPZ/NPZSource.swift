/// A NumPy `.npz` archive seen as a source of tensors: one tensor per zip member, named by the
/// member name without its `.npy` suffix (folders kept: `layers/0/weight.npy` is
/// `layers/0/weight`).
///
/// Opening reads the central directory and each member's `.npy` header only. Every member's
/// declared uncompressed size must equal the size its header implies (header plus
/// `dataByteCount`): that bounds what any member may inflate to by what its shape says, so a
/// zip bomb is refused before a byte of it is inflated, and `load` never holds more than the
/// one tensor it returns.
public final class NPZSource: TensorSource {
    public let path: String
    public let tensors: [TensorInfo]
    private let archive: ZipReader
    private let members: [ExactName: (entry: ZipEntry, header: NPYHeader)]

    /// Opens `path` and reads every member's header; errors are `FileError`s naming the file and
    /// member. CRCs of large members are verified on up to `threads` threads.
    public init(path: String, threads: Int = 1) throws(FileError) {
        self.path = path
        do {
            archive = try ZipReader(path: path, threads: threads)
        } catch {
            throw FileError(path: path, error)
        }
        var tensors: [TensorInfo] = []
        var members: [ExactName: (entry: ZipEntry, header: NPYHeader)] = [:]
        for entry in archive.entries where !entry.isDirectory {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            do {
                guard members[ExactName(name)] == nil else { throw NPZError.duplicateTensor(name) }
                let header = try NPZSource.readHeader(of: entry, in: archive)
                tensors.append(TensorInfo(name: name, dtype: header.dtype, shape: header.shape))
                members[ExactName(name)] = (entry, header)
            } catch let error as ZipError {
                // Zip errors name their member themselves.
                throw FileError(path: path, error)
            } catch {
                throw FileError(path: path, member: entry.name, error)
            }
        }
        self.tensors = tensors
        self.members = members
    }

    /// Reads the tensor called `name` in full, checking its CRC-32.
    public func load(_ name: String) throws -> Tensor {
        try withData(of: name) { reader, header in
            // The member holds exactly header and data (checked when opened), so this read
            // reaches its last byte and the CRC-32 is verified before it returns.
            try makeTensor(header: header, data: reader.readExactly(header.dataByteCount))
        }
    }

    /// Calls `body` with a reader of `name`'s member positioned after its `.npy` header, wrapping
    /// any error in a `FileError` that names the file and member.
    private func withData<R>(of name: String, _ body: (ZipMemberReader, NPYHeader) throws -> R) throws -> R {
        guard let (entry, header) = members[ExactName(name)] else {
            throw FileError(path: path, NPZError.noSuchTensor(name))
        }
        do {
            let reader = try archive.openMember(entry)
            _ = try reader.readExactly(header.headerLength)
            return try body(reader, header)
        } catch let error as FileError {
            // Already located: a writer's error passed through `copy`.
            throw error
        } catch let error as ZipError {
            // Zip errors name their member themselves.
            throw FileError(path: path, error)
        } catch {
            throw FileError(path: path, member: entry.name, error)
        }
    }

    /// Copies `name` in pieces (see `TensorSource.copy`), inflating a deflated member as it
    /// goes; the CRC-32 is checked when the last piece is read, before it is handed on.
    /// Big-endian and Fortran-order members are normalized whole, through `load`.
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let header = members[ExactName(name)]?.header, header.fortranOrder || (header.bigEndian && header.dtype.byteSize > 1) {
            return try copyByReading(name, pieceSize: pieceSize, body)
        }
        try withData(of: name) { reader, header in
            try PieceBuffers(total: header.dataByteCount, pieceSize: pieceSize)
                .copy(total: header.dataByteCount, fill: { _, piece in try reader.readExactly(into: piece) }, to: body)
        }
    }

    /// Whether `name`'s member is deflated.
    public func isCompressed(_ name: String) -> Bool {
        members[ExactName(name)]?.entry.method == ZipFormat.methodDeflate
    }

    /// The data of `name`, checked against its CRC-32: a stored member is mapped into memory
    /// (`FileMapping`, held by `scratch`), a deflated one inflated into `scratch`. Big-endian and
    /// Fortran-order members are normalized through `load`.
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        if let header = members[ExactName(name)]?.header, header.fortranOrder || (header.bigEndian && header.dtype.byteSize > 1) {
            return try readByLoading(name, into: scratch)
        }
        return try withData(of: name) { reader, header in
            let info = TensorInfo(name: name, dtype: header.dtype, shape: header.shape)
            if reader.entry.method == ZipFormat.methodStored {
                scratch.release()
                let mapping = try reader.mapRest()!
                scratch.hold(mapping)
                return (info, mapping.bytes)
            }
            let bytes = try scratch.prepare(count: header.dataByteCount)
            try reader.readExactly(into: bytes)
            return (info, UnsafeRawBufferPointer(bytes))
        }
    }

    /// `read`, leaving a stored member's CRC-32 check to the caller (`DeferredCheck`).
    public func readLeavingCheck(_ name: String, into scratch: ScratchBuffer) throws
        -> (info: TensorInfo, bytes: UnsafeRawBufferPointer, check: (any DeferredCheck)?) {
        guard let (entry, header) = members[ExactName(name)], entry.method == ZipFormat.methodStored,
              !header.fortranOrder, !header.bigEndian || header.dtype.byteSize == 1 else {
            let (info, bytes) = try read(name, into: scratch)
            return (info, bytes, nil)
        }
        return try withData(of: name) { reader, header in
            scratch.release()
            let (mapping, check) = try reader.mapRestLeavingCheck(path: path)!
            scratch.hold(mapping)
            return (TensorInfo(name: name, dtype: header.dtype, shape: header.shape), mapping.bytes, check)
        }
    }

    /// The `.npy` header at the start of `entry`, checked against the entry's declared size.
    private static func readHeader(of entry: ZipEntry, in archive: ZipReader) throws -> NPYHeader {
        let declared = entry.uncompressedSize
        let reader = try archive.openMember(entry)
        let prelude = try reader.readExactly(Int(min(UInt64(NPYHeader.preludeLength), declared)))
        let headerLength = try NPYHeader.totalHeaderLength(prelude: prelude)
        guard UInt64(headerLength) <= declared else {
            throw NPYError.headerLengthPastEnd(declared: headerLength, available: Int(clamping: declared))
        }
        // A tiny version 1 header can end inside the prelude; parse ignores what follows it.
        let header = try NPYHeader.parse(prelude + reader.readExactly(max(0, headerLength - prelude.count)))
        let (implied, overflow) = header.headerLength.addingReportingOverflow(header.dataByteCount)
        guard !overflow, UInt64(implied) == declared else {
            throw NPZError.sizeMismatch(declared: declared, implied: overflow ? nil : implied)
        }
        return header
    }
}

extension ZipMemberReader {
    /// Fills `buffer` with the next bytes of the member, or throws `NPYError.truncatedData`
    /// when it ends first.
    func readExactly(into buffer: UnsafeMutableRawBufferPointer) throws {
        var filled = 0
        while filled < buffer.count {
            let produced = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            guard produced > 0 else { throw NPYError.truncatedData(expected: buffer.count, actual: filled) }
            filled += produced
        }
    }

    /// The next `count` bytes of the member, or `NPYError.truncatedData` when it ends first.
    ///
    /// Memory grows with the bytes that actually arrive (in chunks of at most 64 MiB), never
    /// with `count` alone: a member that lies about its size costs what it delivers.
    func readExactly(_ count: Int) throws -> [UInt8] {
        precondition(count >= 0, "negative read count \(count)")
        let chunk = 64 << 20
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, chunk))
        while bytes.count < count {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: min(count - start, chunk)))
            try bytes.withUnsafeMutableBytes { try readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
        }
        return bytes
    }
}

/// Problems with an `.npz` archive beyond its zip and `.npy` layers.
public enum NPZError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicateTensor(String)
    case noSuchTensor(String)
    /// The zip entry's declared size differs from what its `.npy` header implies (nil: overflows).
    case sizeMismatch(declared: UInt64, implied: Int?)
    /// A piece of bfloat16 data handed to `NPZWriter` ended inside an element.
    case splitBFloat16Element(byteCount: Int)

    public var description: String {
        switch self {
        case .duplicateTensor(let name):
            "two members hold a tensor called '\(name)'"
        case .noSuchTensor(let name):
            "no tensor called '\(name)'"
        case .sizeMismatch(let declared, let implied):
            "member declares \(declared) bytes but its .npy header implies "
                + (implied.map { "\($0)" } ?? "more than 2^63") + "; refusing it (possible zip bomb or corrupt member)"
        case .splitBFloat16Element(let byteCount):
            "a piece of bfloat16 data of \(byteCount) bytes ends inside an element (pieces must hold whole 2-byte elements)"
        }
    }
}
