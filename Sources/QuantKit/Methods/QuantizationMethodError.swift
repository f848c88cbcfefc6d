/// Why a method could not run on the layers it was given.
public enum QuantizationMethodError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The method reads calibration inputs and none were captured.
    case needsCalibration(method: String)

    public var description: String {
        switch self {
        case .needsCalibration(let method):
            "the \(method) method needs calibration input rows"
        }
    }
}
