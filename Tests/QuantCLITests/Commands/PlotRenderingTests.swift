import Foundation
import Testing

/// Headless Chromium, when installed (Debian package `chromium`; `.ci/run` installs it).
let chromiumPath: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Each picture rendered by a real browser: headless Chromium screenshots the file at 1200x800
/// and at 600 px wide, and the screenshot must not be blank (more than two colours, and more
/// than 2% of its pixels off the background).
@Suite(.enabled(if: chromiumPath != nil, "chromium is not installed (apt-get install chromium); rendering tests skipped"))
struct PlotRenderingTests {
    static let example = fixture("example/mlp.npz")
    static let digits = fixture("digits/mlp.npz")

    /// The command lines that write each picture to `PLOT` (replaced by a path).
    static let pictures: [(name: String, arguments: [String])] = [
        ("tensors.svg", [example, "-o", "OUT", "--bits", "4", "--report", "none", "--plot", "PLOT"]),
        ("layers.svg", ["eval", digits, "--bits", "3", "--samples", "64", "--plot", "PLOT"]),
        ("compare.svg", ["eval", digits, "--samples", "64", "--compare", "--plot", "PLOT"]),
        ("distribution.html", ["inspect", example, "--tensor", "fc1.weight", "--bits", "4", "--plot", "PLOT"]),
    ]

    /// Screenshots `file` in a window `width` x `height` into `png`; Chromium's own profile goes in `folder`.
    func screenshot(_ file: String, width: Int, height: Int, png: String, folder: TemporaryFolder) throws -> PNGCoverage {
        let result = try runProcess(chromiumPath!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                    "--user-data-dir=" + folder.path("profile-\(width)"),
                                                    "--screenshot=" + png, "--window-size=\(width),\(height)",
                                                    URL(fileURLWithPath: file).absoluteString])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(PNGCoverage(contentsOf: png), "\(png) is not a PNG Chromium would write")
    }

    @Test(arguments: pictures.map(\.name))
    func pictureRendersInChromiumAtBothWidths(name: String) throws {
        let folder = try TemporaryFolder()
        let arguments = Self.pictures.first { $0.name == name }!.arguments.map {
            $0 == "PLOT" ? folder.path(name) : $0 == "OUT" ? folder.path("out.npz") : $0
        }
        let run = cli(arguments)
        try #require(run.status == .success, "\(run.err)")
        for (width, height) in [(1200, 800), (600, 800)] {
            let coverage = try screenshot(folder.path(name), width: width, height: height, png: folder.path("\(width).png"), folder: folder)
            #expect(coverage.width == width && coverage.height == height)
            #expect(coverage.colours > 2, "\(name) at \(width): \(coverage)")
            #expect(coverage.inkShare > 0.02, "\(name) at \(width): \(coverage)")
        }
    }

    @Test func aBlankPageIsSeenAsBlank() throws {
        let folder = try TemporaryFolder()
        try "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" width=\"100%\"></svg>\n"
            .write(toFile: folder.path("blank.svg"), atomically: true, encoding: .utf8)
        let coverage = try screenshot(folder.path("blank.svg"), width: 600, height: 400, png: folder.path("blank.png"), folder: folder)
        #expect(coverage.colours == 1 && coverage.inkShare == 0)
    }
}
