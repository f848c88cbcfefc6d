import Foundation
import SVGPlot

extension TransformerComparison {
    /// `ComparisonPicture` of every row: an encoder's rows by their mean embedding cosine to the
    /// float model, a decoder's by the fraction of positions whose most likely next token is the
    /// float model's (higher is better on both); size is each row's quantized tensors' bytes.
    public func picture() -> PlotPage {
        let title = "Size against quality, every scheme and width: " + (model as NSString).lastPathComponent
        var encoder = true
        let drawn = points.map { point in
            let quality: Double
            switch point.metrics {
            case .encoder(let agreement):
                quality = agreement.cosineMean
            case .decoder(let statistics, _):
                (quality, encoder) = (statistics.sameTopFraction, false)
            }
            return ComparisonPicture.Point(method: point.method, scheme: point.scheme, bits: point.bits, bytes: point.bytes,
                                           quality: quality)
        }
        let quality = encoder ? "mean embedding cosine to the float model" : "same top-1 next token as the float model"
        return PlotPage(title: title, charts: [ComparisonPicture(title: title, points: drawn, quality: quality, percent: !encoder).chart()])
    }
}
