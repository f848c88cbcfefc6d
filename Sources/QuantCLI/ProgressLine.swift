import QuantKit

/// One frame of a terminal progress bar, fitted to the terminal's width:
///
///     LABEL [##########..........]  50%  64.0 MiB/128.0 MiB  21.3 MiB/s  ETA 3s
///
/// The pieces after the bar are the percentage, the units done (and the total, when known),
/// the rate over `ProgressEstimate`'s window and the time left ("ETA --" while it is unknown);
/// an unknown total has no bar and no percentage. The frame takes at most `columns - 1`
/// columns (the last one stays free, so no terminal wraps it): the label is shortened first
/// (down to 20 columns, ending in "..."), then the bar (from 30 columns down to 10, then
/// none); the rate, then the percentage, are left out when the pieces after the bar do not
/// fit, the label when fewer than 4 columns are left for it, and what is still too wide is
/// cut. ASCII only, no colour, so `NO_COLOR` has nothing to turn off.
struct ProgressLine {
    /// What is counted: bytes (shown as KiB/MiB/GiB), or items named by the plural `name`.
    enum Unit: Equatable {
        case bytes
        case items(String)
    }

    var label: String
    var estimate: ProgressEstimate
    var unit: Unit

    /// The frame for a terminal `columns` wide.
    func rendered(columns: Int) -> String {
        let room = max(columns - 1, 0)
        var tail = [percentage, counts, rate, "ETA " + (estimate.secondsRemaining.map(ProgressEstimate.formattedDuration) ?? "--")]
        for dropped in [2, 0] where joined(tail).count > room && tail.count > 2 {
            tail.remove(at: dropped)
        }
        let after = joined(tail)
        var left = room - after.count - 2
        let barWidth = estimate.fraction == nil ? 0 : min(30, left - 2 - min(label.count, 20))
        var pieces: [String] = []
        if barWidth >= 10 {
            left -= barWidth + 2
            pieces.append(bar(width: barWidth))
        }
        if label.count <= left || left >= 4 { pieces.insert(shortened(label, to: left), at: 0) }
        let line = joined(pieces + [after])
        return String(line.prefix(room))
    }

    private var percentage: String {
        estimate.fraction.map { "\(Int(($0 * 100).rounded(.down)))%" } ?? ""
    }

    private var counts: String {
        switch unit {
        case .bytes: formatBytes(estimate.done) + (estimate.total.map { "/" + formatBytes($0) } ?? "")
        case .items(let name): "\(estimate.done)" + (estimate.total.map { "/\($0)" } ?? "") + " " + name
        }
    }

    private var rate: String {
        guard let rate = estimate.rate else { return "" }
        switch unit {
        case .bytes: return formatBytes(Int(rate.rounded())) + "/s"
        case .items(let name): return (rate >= 1 || rate == 0 ? String(format: "%.1f ", rate) + name + "/s"
                                                              : String(format: "%.1f s/", 1 / rate) + singular(name))
        }
    }

    /// `[####......]`: `width` columns, brackets included, filled in proportion to the fraction.
    private func bar(width: Int) -> String {
        let inside = width - 2
        let filled = Int((Double(inside) * (estimate.fraction ?? 0)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: inside - filled) + "]"
    }

    private func shortened(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 3)) + "..."
    }

    private func singular(_ name: String) -> String {
        name.hasSuffix("es") && name.dropLast(2).hasSuffix("ch") ? String(name.dropLast(2))
            : name.hasSuffix("s") ? String(name.dropLast()) : name
    }

    private func joined(_ pieces: [String]) -> String {
        pieces.filter { !$0.isEmpty }.joined(separator: "  ")
    }
}
