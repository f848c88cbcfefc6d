import Foundation

/// A plain-text table: a header row, a rule, and rows, columns padded to their widest cell;
/// text columns align left, numeric ones right. Cells show control characters as escapes
/// (`escapedForMessage`), so a tensor name with a newline keeps its row on one line.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public let columns: [(title: String, alignment: Alignment)]
    public private(set) var rows: [[String]] = []

    public init(columns: [(title: String, alignment: Alignment)]) {
        self.columns = columns
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "row has \(row.count) cells, table has \(columns.count) columns")
        rows.append(row.map(\.escapedForMessage))
    }

    public func rendered() -> String {
        let widths = columns.indices.map { column in
            rows.reduce(columns[column].title.count) { max($0, $1[column].count) }
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                return columns[column].alignment == .left ? cells[column] + padding : padding + cells[column]
            }
            .joined(separator: "  ")
            .replacing(/\s+$/, with: "")
        }
        var lines = [line(columns.map(\.title))]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `1536` -> `1.5 KiB`; exact bytes below 1 KiB.
public func formatBytes(_ bytes: Int) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB"]
    guard bytes >= 1024 else { return "\(bytes) B" }
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return String(format: value >= 100 ? "%.0f " : "%.1f ", value) + units[unit]
}
