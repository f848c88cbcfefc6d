/// A safetensors file's microscaled weights (`MicroscalingFormat`) read as float32, as
/// compressed-tensors writes them:
/// - `M.weight_packed` uint8 `[out, in / 2]` with `M.weight_scale` F8_E4M3 `[out, in / 16]` and
///   `M.weight_global_scale` float32 `[1]`: NVFP4 (`nvfp4-pack-quantized`);
/// - `M.weight_packed` uint8 `[out, in / 2]` with `M.weight_scale` uint8 `[out, in / 32]`: MXFP4;
/// - `M.weight` F8_E4M3 `[out, in]` with `M.weight_scale` uint8 `[out, in / 32]`: MXFP8;
/// each read as the float32 `M.weight` `MicroscaledTensor.dequantized()` gives (exact:
/// `decode(code) · d` in float32, `d` a power of two or NVFP4's `s / G`). The scale members are
/// not listed. Members whose shapes do not fit (an odd packed width, a scale of the wrong shape
/// or type) are refused when the source opens, naming the tensor (`MicroscaledSourceError`).
///
/// An `.npz` (whose arrays have no float8 type) holds the same members with every code and
/// scale as uint8 and a `__microscaling__` record naming each weight's format
/// (`MicroscalingRecord`): there the record, not the types, says which members are a weight,
/// and each one it lists must be present and fit (`readingRecorded`).
public struct MicroscaledSource: BlockQuantizedSource {
    public static let packedSuffix = "_packed"
    public static let scaleSuffix = "_scale"
    public static let globalScaleSuffix = "_global_scale"

    /// One dequantized weight: its stored members and format.
    struct Member: Sendable {
        var format: MicroscalingFormat
        var codes: TensorInfo
        var scale: TensorInfo
        var globalScale: TensorInfo?
        var shape: [Int]
    }

    public let base: any TensorSource
    public let tensors: [TensorInfo]
    private let members: [String: Member]

    /// `base` itself when it holds no microscaled weight (see the type); otherwise the source
    /// reading them as float32.
    public static func reading(_ base: any TensorSource) throws -> any TensorSource {
        let byName = Dictionary(base.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [String: Member] = [:]
        for info in base.tensors {
            guard let member = try member(of: info, byName) else { continue }
            members[member.codes.name.hasSuffix(packedSuffix) ? String(member.codes.name.dropLast(packedSuffix.count))
                : member.codes.name] = member
        }
        return members.isEmpty ? base : source(base, members: members)
    }

    /// `base` itself when it has no `__microscaling__` record; otherwise the source reading the
    /// weights the record lists (uint8 members, see the type) as float32.
    public static func readingRecorded(_ base: any TensorSource) throws -> any TensorSource {
        guard base.tensors.contains(where: { $0.name == MicroscalingRecord.memberName }) else { return base }
        let recorded = try MicroscalingRecord.weights(decoding: base.load(MicroscalingRecord.memberName).bytes)
        let byName = Dictionary(base.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [String: Member] = [:]
        for (weight, (format, shape)) in recorded {
            members[weight] = try recordedMember(weight, format: format, shape: shape, byName)
        }
        return source(base, members: members, hiding: [MicroscalingRecord.memberName])
    }

    /// The recorded weight `weight` of `format` and `shape`: its uint8 members (NVFP4's global
    /// scale float32), each present and of the shape `shape` implies.
    static func recordedMember(_ weight: String, format: MicroscalingFormat, shape: [Int],
                               _ byName: [String: TensorInfo]) throws(MicroscaledSourceError) -> Member {
        let names = [format.elementBits == 4 ? weight + packedSuffix : weight, weight + scaleSuffix]
            + (format.hasGlobalScale ? [weight + globalScaleSuffix] : [])
        let expected = [shape.count == 2 ? [shape[0], format.elementBits == 4 ? shape[1] / 2 : shape[1]] : shape,
                        shape.count == 2 ? [shape[0], shape[1] / format.groupSize] : shape, [1]]
        var found: [TensorInfo] = []
        for (index, name) in names.enumerated() {
            let dtype: DType = index == 2 ? .float32 : .uint8
            guard let info = byName[name], info.dtype == dtype, info.shape == expected[index],
                  shape.count == 2, shape[1] % format.groupSize == 0
            else { throw .recordedMember(weight: weight, member: name, found: byName[name], expected: (dtype, expected[index])) }
            found.append(info)
        }
        return Member(format: format, codes: found[0], scale: found[1], globalScale: found.count > 2 ? found[2] : nil, shape: shape)
    }

    /// The source over `base` reading `members` as float32, their stored members and `hiding` not listed.
    static func source(_ base: any TensorSource, members: [String: Member], hiding: Set<String> = []) -> MicroscaledSource {
        let stored = hiding.union(members.values.flatMap { [$0.codes.name, $0.scale.name] + ($0.globalScale.map { [$0.name] } ?? []) })
        var tensors: [TensorInfo] = []
        for info in base.tensors {
            if let (name, member) = members.first(where: { $0.value.codes.name == info.name }) {
                tensors.append(TensorInfo(name: name, dtype: .float32, shape: member.shape))
            } else if !stored.contains(info.name) {
                tensors.append(info)
            }
        }
        return MicroscaledSource(base: base, tensors: tensors, members: members)
    }

    /// The microscaled weight whose codes member is `info`, nil when `info` is not one.
    static func member(of info: TensorInfo, _ byName: [String: TensorInfo]) throws(MicroscaledSourceError) -> Member? {
        let packed = info.name.hasSuffix(packedSuffix)
        guard packed && info.dtype == .uint8 || !packed && info.dtype == .float8E4M3FN,
              let scale = byName[info.name + scaleSuffix] ?? (packed ? byName[info.name.dropLast(packedSuffix.count) + scaleSuffix] : nil),
              scale.dtype == .uint8 || packed && scale.dtype == .float8E4M3FN
        else { return nil }
        let weight = packed ? String(info.name.dropLast(packedSuffix.count)) : info.name
        let global = byName[weight + globalScaleSuffix]
        let format: MicroscalingFormat = !packed ? .mxfp8 : scale.dtype == .float8E4M3FN ? .nvfp4 : .mxfp4
        guard info.shape.count == 2 else { throw .shape(weight: weight, member: info, expected: nil) }
        let shape = [info.shape[0], packed ? 2 * info.shape[1] : info.shape[1]]
        let expectedScale = [shape[0], shape[1] / format.groupSize]
        guard shape[1] % format.groupSize == 0 else { throw .shape(weight: weight, member: info, expected: nil) }
        guard scale.shape == expectedScale else { throw .shape(weight: weight, member: scale, expected: expectedScale) }
        if format == .nvfp4 {
            guard let global, global.dtype == .float32, global.shape == [1] else {
                throw .missingGlobalScale(weight: weight, found: global)
            }
        }
        return Member(format: format, codes: info, scale: scale, globalScale: format == .nvfp4 ? global : nil, shape: shape)
    }

    public var path: String { base.path }
    public var headerMetadata: [String: String] { base.headerMetadata }

    public func storedBlocks(of name: String) -> (typeName: String, byteCount: Int)? {
        guard let member = members[name] else { return nil }
        return (member.format.storedDescription, member.codes.storedByteCount + member.scale.storedByteCount
            + (member.globalScale?.storedByteCount ?? 0))
    }

    public func load(_ name: String) throws -> Tensor {
        guard let member = members[name] else { return try base.load(name) }
        let globalScale = try member.globalScale.map { try base.load($0.name).floatValues()![0] }
        let tensor = try MicroscaledTensor(
            format: member.format, shape: member.shape, codes: base.load(member.codes.name).bytes, codesShape: member.codes.shape,
            scales: base.load(member.scale.name).bytes, scalesShape: member.scale.shape, globalScale: globalScale)
        return Tensor(shape: member.shape, values: tensor.dequantized())
    }
}

/// A microscaled weight's members that do not fit each other.
public enum MicroscaledSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `member` has the wrong shape: `expected` when known, else not 2-D with whole groups.
    case shape(weight: String, member: TensorInfo, expected: [Int]?)
    /// An NVFP4 weight (E4M3 group scales) without a float32 `[1]` global scale.
    case missingGlobalScale(weight: String, found: TensorInfo?)
    /// A member of a weight an `.npz`'s `__microscaling__` record lists, missing or not of the
    /// `expected` type and shape.
    case recordedMember(weight: String, member: String, found: TensorInfo?, expected: (dtype: DType, shape: [Int]))
    /// A `__microscaling__` record that cannot be read.
    case invalidRecord(String)

    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case .shape(let weight, let member, let expected):
            "'\(member.name)' is \(member.dtype.rawValue) \(formatShape(member.shape)); the microscaled weight '\(weight)' needs "
                + (expected.map { "a scale of shape \(formatShape($0))" } ?? "2-D codes whose rows hold whole groups (16 or 32 elements)")
        case .missingGlobalScale(let weight, let found):
            "the NVFP4 weight '\(weight)' needs '\(weight)_global_scale', float32 [1]"
                + (found.map { ", found \($0.dtype.rawValue) \(formatShape($0.shape))" } ?? ", which is missing")
        case .recordedMember(let weight, let member, let found, let expected):
            "the \(MicroscalingRecord.memberName) record lists '\(weight)', which needs '\(member)' "
                + "\(expected.dtype.rawValue) \(formatShape(expected.shape))"
                + (found.map { ", found \($0.dtype.rawValue) \(formatShape($0.shape))" } ?? ", which is missing")
        case .invalidRecord(let problem):
            "invalid \(MicroscalingRecord.memberName) record: \(problem)"
        }
    }
}
