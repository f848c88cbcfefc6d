/// A place in a transformer block where per-channel scales on the input of a group of Linears
/// fold exactly into what produces that input (AWQ, Lin et al., arXiv:2306.00978, §3.2, and
/// AutoAWQ's `apply_scale`): with `s > 0` of `sourceWidth` values, dividing the source's output
/// channel `j` by `s_j` and multiplying input column `c` of every consumer by
/// `s[sourceChannel(c)]` leaves every consumer's output unchanged, in exact arithmetic:
/// `(x / s) · (W · diag(s))ᵀ = x · Wᵀ`.
///
/// The fold is exact only when every path from the source to the rest of the block goes
/// through the consumers (nothing else reads the source's output) and everything between them
/// commutes with positive per-channel scaling:
/// - an RMSNorm (`y = γ · x / rms(x)`): `γ / s` scales its output by `1 / s`; a LayerNorm's
///   `γ / s`, `β / s` does too, but BERT's post-norm output also feeds the residual, which the
///   scales would change, so no BERT norm is a source;
/// - a Linear's rows and bias (`W[j][·] / s_j`, `b_j / s_j`), when its output reaches the
///   consumers through attention's weighted sums of values (v_proj → o_proj: each context
///   channel is a convex combination of one value channel) or through `act(gate) · up`
///   (up_proj → down_proj), both linear in the scaled factor; GELU (BERT's intermediate →
///   output) is not.
public struct ScaleFold: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The norm stored under this prefix (`model.layers.0.input_layernorm`).
        case norm(String)
        /// The rows (and bias) of the Linear with this prefix.
        case linearRows(String)

        public var name: String {
            switch self {
            case .norm(let prefix), .linearRows(let prefix): prefix
            }
        }
    }

    public let source: Source
    /// The prefixes of the Linears fed the source's output.
    public let consumers: [String]
    /// Channels of the source's output.
    public let sourceWidth: Int
    /// Grouped-query attention: the consumer (o_proj) reads `headCount` heads of `headDim`
    /// channels, head `h` from key/value head `h / (headCount / keyValueHeadCount)` of the source
    /// (v_proj); 1 when consumer channel `c` is source channel `c`.
    public let headRepeat: Int
    public let headDim: Int

    public init(source: Source, consumers: [String], sourceWidth: Int, headRepeat: Int = 1, headDim: Int = 1) {
        precondition(headRepeat >= 1 && headDim >= 1 && sourceWidth % headDim == 0)
        (self.source, self.consumers, self.sourceWidth, self.headRepeat, self.headDim) =
            (source, consumers, sourceWidth, headRepeat, headDim)
    }

    /// Width of the consumers' input: `sourceWidth · headRepeat`.
    public var consumerWidth: Int { sourceWidth * headRepeat }

    /// The source channel that consumer input channel `channel` reads:
    /// `((channel / headDim) / headRepeat) · headDim + channel % headDim`.
    public func sourceChannel(_ channel: Int) -> Int {
        headRepeat == 1 ? channel : (channel / headDim / headRepeat) * headDim + channel % headDim
    }

    /// `scales` (one per source channel) spread over the consumers' input channels.
    public func consumerScales(_ scales: [Float]) -> [Float] {
        precondition(scales.count == sourceWidth)
        return headRepeat == 1 ? scales : (0 ..< consumerWidth).map { scales[sourceChannel($0)] }
    }

    /// Per-source-channel means of `consumerMeans` (one per consumer input channel): the mean
    /// over the query heads that read each key/value channel.
    public func sourceMeans(_ consumerMeans: [Float]) -> [Float] {
        precondition(consumerMeans.count == consumerWidth)
        guard headRepeat > 1 else { return consumerMeans }
        var sums = [Float](repeating: 0, count: sourceWidth)
        for channel in 0 ..< consumerWidth { sums[sourceChannel(channel)] += consumerMeans[channel] }
        return sums.map { $0 / Float(headRepeat) }
    }
}
