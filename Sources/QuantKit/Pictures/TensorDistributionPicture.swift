import Foundation
import SVGPlot

/// How one tensor's values sit on a per-tensor quantization grid: the histogram of the float
/// values with the grid's levels `(q - z)·s` for every code `q` and the clipping range (the
/// lowest and highest level) overlaid, and the histogram of the rounding error `x - x̂` with the
/// bound `±s/2` that every value inside the range meets.
public struct TensorDistributionPicture: Sendable {
    public let name: String
    public let scheme: QuantScheme
    public let values: [Float]
    public let reconstructed: [Float]
    public let scale: Float
    public let zeroPoint: Int

    /// Quantizes `tensor` under `scheme` (a per-tensor scheme: one grid for every element).
    /// Throws `NotFloatingPoint` for integer or boolean data and `NonFiniteValue` for a NaN or
    /// infinity.
    public init(name: String, tensor: Tensor, scheme: QuantScheme) throws {
        precondition(scheme.granularity == .perTensor, "one grid needs one scale")
        guard let values = tensor.floatValues() else { throw NotFloatingPoint(dtype: tensor.dtype) }
        try NonFiniteValue.check(values, shape: tensor.shape, storedDType: tensor.dtype)
        let quantized = try quantize(values, shape: tensor.shape, scheme: scheme)
        self.name = name
        self.scheme = scheme
        self.values = values
        self.reconstructed = quantized.dequantized()
        self.scale = quantized.scales[0]
        self.zeroPoint = quantized.zeroPoints.first.map(Int.init) ?? 0
    }

    /// The tensor `name` of the first of `files` that holds it (an error naming the first file
    /// when none does); errors about its values name the file and the tensor.
    public init(named name: String, in files: [String], scheme: QuantScheme) throws {
        let sources = try files.map { try openTensorSource(path: $0) }
        let source = sources.first { $0.tensors.contains { $0.name == name } } ?? sources[0]
        let tensor = try source.load(name)
        do {
            try self.init(name: name, tensor: tensor, scheme: scheme)
        } catch {
            throw FileError(path: source.path, member: name, error)
        }
    }

    /// Every level of the grid, lowest first: codes from `-qmax` (the full symmetric range:
    /// `-2^(b-1)`; asymmetric: 0) to `qmax`.
    public var levels: [Double] {
        let lowest = !scheme.symmetric ? 0 : scheme.symmetricRange == .full ? scheme.qmin : -scheme.qmax
        return (lowest ... scheme.qmax).map { Double($0 - zeroPoint) * Double(scale) }
    }

    public func charts() -> [SVGDocument] {
        let grid = levels
        let schemeName = "\(scheme.label), \(scheme.bits)-bit, per tensor"
        let valueChart = Histogram(
            title: "Values of \(name) on the \(schemeName) grid",
            values: values, binCount: 80,
            overlays: [Histogram.Overlay(label: "grid levels (\(grid.count))", positions: grid, colour: PlotPalette.colour(1), dash: "6 4"),
                       Histogram.Overlay(label: "clipping range [\(String(format: "%.4g", grid.first!)), \(String(format: "%.4g", grid.last!))]",
                                         positions: [grid.first!, grid.last!], colour: PlotPalette.colour(0), dash: nil)],
            xAxis: "value (the tensor's own unit)", yAxis: "elements per bin",
            notes: [String(format: "scale s = %.6g, zero point %d; %d elements.", scale, zeroPoint, values.count)])
        let errors = zip(values, reconstructed).map { $0 - $1 }
        let bound = Double(scale) / 2
        let errorChart = Histogram(
            title: "Rounding error x - dequantize(quantize(x)) of \(name)",
            values: errors, binCount: 80,
            overlays: [Histogram.Overlay(label: String(format: "±s/2 = ±%.4g", bound), positions: [-bound, bound],
                                         colour: PlotPalette.colour(1), dash: "10 5")],
            xAxis: "error (the tensor's own unit)", yAxis: "elements per bin",
            notes: [String(format: "MSE %.4g, largest |error| %.4g.", ErrorMetrics(original: values, reconstructed: reconstructed).mse,
                           Double(errors.map(abs).max() ?? 0))])
        return [valueChart.rendered(), errorChart.rendered()]
    }

    public func picture() -> PlotPage {
        PlotPage(title: "Distribution of \(name)", charts: charts())
    }
}
