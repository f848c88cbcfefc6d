/// The header of a NumPy `.npy` file: everything before the array data.
///
/// Layout (NumPy's `numpy/lib/format.py`, versions 1.0 to 3.0):
/// ```
/// offset 0  6 bytes  magic "\x93NUMPY"
/// offset 6  1 byte   major version (1, 2 or 3)
/// offset 7  1 byte   minor version (0)
/// offset 8  2 bytes  v1: header length HLEN, uint16 little-endian
///           4 bytes  v2, v3: HLEN, uint32 little-endian
/// then      HLEN     the dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
///                    padded with spaces and ended by '\n'; latin1 in v1 and v2, UTF-8 in v3
/// then               the data, elementCount * itemsize bytes
/// ```
/// NumPy pads so that the data starts at a multiple of 64 bytes (16 in old files); the reader
/// does not rely on any alignment.
public struct NPYHeader: Sendable, Equatable {
    /// The format version from bytes 6 and 7.
    public let version: Version
    public let dtype: DType
    /// Whether elements are stored most significant byte first and must be swapped; always
    /// false for 1-byte types.
    public let bigEndian: Bool
    /// Whether the data is in column-major (Fortran) order, first index varying fastest.
    public let fortranOrder: Bool
    public let shape: [Int]
    /// Bytes before the data: magic, version, length field, dict and padding.
    public let headerLength: Int
    /// Bytes of data the shape and dtype require, computed with overflow checks.
    public let dataByteCount: Int

    /// An `.npy` format version, `major.minor`.
    public struct Version: Sendable, Equatable {
        public let major: UInt8
        public let minor: UInt8

        public init(major: UInt8, minor: UInt8) {
            self.major = major
            self.minor = minor
        }
    }

    /// The first bytes of every `.npy` file.
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Bytes `totalHeaderLength(prelude:)` needs to read the header length of any version.
    ///
    /// Version 1 needs only the first 10, but every valid file is longer than 12 bytes, so a
    /// caller can always read this many before asking.
    public static let preludeLength = 12

    /// The longest header dict accepted, in bytes (the length field's value).
    ///
    /// NumPy's `read_array_header` refuses more than 10,000 by default (`max_header_size`); a
    /// dict of the dtypes quantize reads with a 64-dimension shape is under 2,000. The cap is
    /// ten times NumPy's, so that a version 2 length field (up to 4 GiB) cannot make a reader
    /// hold and parse a huge header.
    public static let maxDictLength = 100_000

    /// The header length, magic to padding included, from the first bytes of a file.
    ///
    /// `prelude` needs 10 bytes for version 1.0 and 12 for 2.0 and 3.0 (`preludeLength` covers
    /// both); more are ignored. A caller streaming the file should check the result against
    /// the bytes available before reading that many. A dict longer than `maxDictLength` is
    /// refused here.
    public static func totalHeaderLength(prelude: some Collection<UInt8>) throws(NPYError) -> Int {
        var reader = ByteReader(Array(prelude.prefix(preludeLength)))
        let lengthFieldEnd = try readVersion(&reader).major == 1 ? 10 : 12
        guard reader.bytes.count >= lengthFieldEnd else {
            throw .truncatedHeader(expected: lengthFieldEnd, actual: reader.bytes.count)
        }
        let dictLength = lengthFieldEnd == 10
            ? Int(reader.readInteger(as: UInt16.self)!)
            : Int(reader.readInteger(as: UInt32.self)!)
        guard dictLength <= maxDictLength else { throw .headerTooLarge(declared: dictLength, limit: maxDictLength) }
        return dictLength + lengthFieldEnd
    }

    /// Parses the header at the start of `bytes`, which may go on with the data (ignored here).
    ///
    /// `bytes` must hold at least `totalHeaderLength(prelude:)` bytes. The dict must have
    /// exactly the keys `descr`, `fortran_order` and `shape` (as NumPy requires), in any order.
    public static func parse(_ bytes: [UInt8]) throws(NPYError) -> NPYHeader {
        let headerLength = try totalHeaderLength(prelude: bytes)
        guard bytes.count >= headerLength else {
            throw .headerLengthPastEnd(declared: headerLength, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        let version = try readVersion(&reader)
        let dictStart = version.major == 1 ? 10 : 12
        let dictBytes = bytes[dictStart ..< headerLength]
        let text: String
        if version.major == 3 {
            guard let decoded = String(validating: dictBytes, as: UTF8.self) else {
                throw .invalidHeader("a version 3.0 header is not valid UTF-8")
            }
            text = decoded
        } else {
            text = String(String.UnicodeScalarView(dictBytes.map { Unicode.Scalar($0) }))
        }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw .invalidHeader("not a Python dict literal: \(error)")
        }
        return try NPYHeader(version: version, literal: literal, headerLength: headerLength)
    }

    /// Reads and checks magic and version, leaving `reader` after the version bytes.
    private static func readVersion(_ reader: inout ByteReader) throws(NPYError) -> Version {
        guard let leading = reader.readBytes(magic.count) else {
            // A file cut inside a correct magic is short, not foreign.
            if reader.bytes.elementsEqual(magic.prefix(reader.bytes.count)) {
                throw .truncatedHeader(expected: 10, actual: reader.bytes.count)
            }
            throw .badMagic
        }
        guard leading == magic else { throw .badMagic }
        guard let major = reader.readInteger(as: UInt8.self), let minor = reader.readInteger(as: UInt8.self) else {
            throw .truncatedHeader(expected: 10, actual: reader.bytes.count)
        }
        guard (1 ... 3).contains(major), minor == 0 else {
            throw .unsupportedVersion(major: major, minor: minor)
        }
        return Version(major: major, minor: minor)
    }

    /// Checks the parsed dict the way NumPy's `read_array_header` does.
    private init(version: Version, literal: PythonLiteral, headerLength: Int) throws(NPYError) {
        guard case .dict(let entries) = literal else {
            throw .invalidHeader("the header is \(literal), not a dict")
        }
        for key in ["descr", "fortran_order", "shape"] where entries[key] == nil {
            throw .invalidHeader("missing key '\(key)'")
        }
        if let extra = entries.keys.sorted().first(where: { !["descr", "fortran_order", "shape"].contains($0) }) {
            throw .invalidHeader("unexpected key '\(extra)'")
        }
        guard case .boolean(let fortranOrder) = entries["fortran_order"] else {
            throw .invalidHeader("'fortran_order' is \(entries["fortran_order"]!), not True or False")
        }
        guard case .tuple(let dims) = entries["shape"] else {
            throw .invalidHeader("'shape' is \(entries["shape"]!), not a tuple of integers")
        }
        var shape: [Int] = []
        for dim in dims {
            guard case .integer(let value) = dim else {
                throw .invalidHeader("'shape' is \(entries["shape"]!), not a tuple of integers")
            }
            shape.append(value)
        }
        let (dtype, byteOrder) = try Self.dtype(descr: entries["descr"]!)
        do {
            dataByteCount = try byteCount(of: shape, elementSize: dtype.byteSize)
        } catch {
            throw .invalidShape(error)
        }
        self.version = version
        self.dtype = dtype
        self.bigEndian = dtype.byteSize > 1 && byteOrder == .big
        self.fortranOrder = fortranOrder
        self.shape = shape
        self.headerLength = headerLength
    }

    /// The element type and byte order of a `descr` such as `<f4`, `>i8`, `|b1` or `=u2`.
    ///
    /// The first character is the byte order: `<` little, `>` big, `=` and `|` the host's
    /// (NumPy writes `|` for 1-byte types, where order does not matter), and it may be left
    /// out. The rest is a NumPy type code (`f4`, `i1`, `b1`, ...) of a `DType`.
    static func dtype(descr: PythonLiteral) throws(NPYError) -> (DType, Endianness) {
        guard case .string(let text) = descr else {
            switch descr {
            case .list, .tuple, .dict: throw .unsupportedDType(descr.description)
            default: break
            }
            throw .invalidHeader("'descr' is \(descr), not a dtype string")
        }
        var code = Substring(text)
        var order = Endianness.host
        switch code.first {
        case "<": order = .little; code = code.dropFirst()
        case ">": order = .big; code = code.dropFirst()
        case "=", "|": code = code.dropFirst()
        default: break
        }
        guard let dtype = DType(numpyTypeCode: String(code)) else {
            if code.first == "O" { throw .objectDType }
            throw .unsupportedDType(descr.description)
        }
        return (dtype, order)
    }
}
