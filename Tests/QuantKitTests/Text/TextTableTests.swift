import Testing
@testable import QuantKit

/// The plain-text pieces every report is made of.
@Suite struct TextTableTests {
    @Test func columnsPadToTheirWidestCellTextLeftNumbersRight() {
        var table = TextTable(columns: [("tensor", .left), ("bytes", .right)])
        table.append(["fc1.weight", "4096"])
        table.append(["b", "12"])
        #expect(table.rendered() == """
            tensor      bytes
            ----------  -----
            fc1.weight   4096
            b              12

            """)
    }

    @Test func controlCharactersInACellStayOnItsLine() {
        var table = TextTable(columns: [("name", .left)])
        table.append(["a\nb"])
        #expect(table.rendered().split(separator: "\n").count == 3)
        #expect(table.rendered().contains("a\\nb"))
    }

    @Test(arguments: [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (150 << 20, "150 MiB"),
                      (5 << 40, "5.0 TiB"), (3000 << 40, "3000 TiB")])
    func byteCountsUseBinaryUnits(bytes: Int, text: String) {
        #expect(formatBytes(bytes) == text)
    }

    @Test func percentsAndDecibelsKeepTwoDecimals() {
        #expect(percent(0.97777) == "97.78%")
        #expect(decibels(41.236) == "41.24")
        #expect(decibels(.infinity) == "inf")
        #expect(finiteOrNil(.infinity) == nil && finiteOrNil(2) == 2)
    }
}
