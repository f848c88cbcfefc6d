/// The colours of a chart's series, chosen to stay apart in greyscale too: their relative
/// luminances are about 0.04, 0.14, 0.25, 0.33, 0.45 and 0.75 (each step at least 0.08), and
/// every filled shape gets a black outline so the lightest stays visible on white. Series past
/// the sixth reuse the colours; charts also vary marker shape and dash pattern by series.
public enum PlotPalette {
    public static let colours = ["#332288", "#cc3311", "#009988", "#ee7733", "#33bbee", "#f0e442"]

    /// The colour of the series at `index` (0-based).
    public static func colour(_ index: Int) -> String { colours[index % colours.count] }

    /// The dash pattern of the line series at `index`: solid, dashed, dotted, dash-dot, repeating.
    public static func dash(_ index: Int) -> String? { [nil, "12 6", "3 5", "12 5 3 5"][index % 4] }

    /// The marker shape of the series at `index`.
    public static func marker(_ index: Int) -> MarkerShape { MarkerShape.allCases[index % MarkerShape.allCases.count] }

    /// Axis lines, tick labels and text.
    static let ink = "#000000"
    /// Grid lines behind the data.
    static let grid = "#dddddd"
    /// Notes and secondary text.
    static let muted = "#444444"
}
