import Foundation
import Testing
@testable import H2Report
import H2Stress

@Suite("MarkdownReport")
struct MarkdownReportTests {
    /// `Tests/H2ReportTests/Golden/`, found from this source file (no resource bundle needed).
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("report.md matches the golden file (H2STRESS_UPDATE_GOLDEN=1 rewrites it)")
    func golden() throws {
        let rendered = MarkdownReport.render(SyntheticRun.make())
        let file = Self.goldenDirectory.appendingPathComponent("report.md")
        if ProcessInfo.processInfo.environment["H2STRESS_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: file)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(rendered == golden, "report.md differs from \(file.path); rerun with H2STRESS_UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test("every table row has the same number of unescaped pipes as its header")
    func tablesAreWellFormed() {
        let report = MarkdownReport.render(SyntheticRun.make())
        var expected: Int?
        for line in report.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { expected = nil; continue }
            let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let expected {
                #expect(pipes == expected, "row: \(line)")
            } else {
                expected = pipes
            }
        }
    }

    @Test("empty histograms show a dash, not zero")
    func emptyLatencyShowsDash() throws {
        let report = MarkdownReport.render(SyntheticRun.make())
        let row = try #require(report.split(separator: "\n").first { $0.hasPrefix("| window-64k/t2/r2") })
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // cell, variant, threads, srv thr, complete, truncated, other fail, unfinished, MB/s, msgs/s, streams/s,
        // ttfb p50, ttfb p99, gap p99, dur p99, cpu s, RSS MB
        #expect(Array(cells[11...14]) == ["–", "–", "–", "–"])
        #expect(cells[3] == "–", "no server threads")
    }

    @Test("abnormal streams are capped at 20 per cell with a count of the rest")
    func capsFailures() {
        let report = MarkdownReport.render(SyntheticRun.make())
        let section = report.components(separatedBy: "## Abnormal streams")[1].components(separatedBy: "## Connection errors")[0]
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| truncated") || $0.hasPrefix("| reset") || $0.hasPrefix("| goaway") }
        #expect(rows.count == MarkdownReport.failuresShownPerCell)
        #expect(section.contains("… and 5 more (in run.json)."))
    }

    @Test("a run without cells still renders every section")
    func noCells() {
        var run = SyntheticRun.make()
        run.cells = []
        run.notes = []
        let report = MarkdownReport.render(run)
        #expect(report.contains("No cell has finished yet."))
        #expect(report.contains("## Abnormal streams\n\nNone recorded."))
        #expect(report.hasSuffix("## Notes\n\nNone.\n"))
    }
}

@Suite("Terminal output")
struct TerminalOutputTests {
    @Test("the progress line matches the documented format")
    func progressLine() {
        let line = ProgressLine(cellNumber: 2, cellCount: 8, cellID: "window-1m/t2", elapsedSeconds: 3.14,
                                durationSeconds: 5, streams: 12_345, bytesPerSecond: 1_234_500_000)
        #expect(line.render() == "cell 2/8 window-1m/t2 · 3.1s/5.0s · 12,345 streams · 1,234.5 MB/s")
        var warm = line
        warm.phase = "warm-up"
        #expect(warm.render() == "cell 2/8 window-1m/t2 · warm-up 3.1s/5.0s · 12,345 streams · 1,234.5 MB/s")
    }

    @Test("the summary table has aligned columns, one row per cell")
    func summaryTable() {
        let text = SummaryTable.render(SyntheticRun.make())
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2 + 3 + 1)
        #expect(lines[0].hasPrefix("cell "))
        #expect(lines[1].allSatisfy { $0 == "-" || $0 == " " })
        // Right-aligned numeric columns end at the same offset: the RSS column is last.
        let ruleWidth = lines[1].count
        for row in lines[2...4] { #expect(row.count == ruleWidth, "row: \(row)") }
        #expect(lines[2].hasSuffix("48.2"))
        #expect(lines[5].contains("1,700 streams complete, 12 truncated, 13 other failures, 4 unfinished"))
        #expect(SummaryTable.render(RunResult(runID: "r", startedAt: "s", environment: SyntheticRun.environment,
                                              profileFile: "p", profile: .null, target: "t")) == "no cells ran\n")
    }

    @Test("numbers are grouped and rounded without locale")
    func numberText() {
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1_000) == "1,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.fixed(1_234.56, decimals: 1) == "1,234.6")
        #expect(NumberText.fixed(0.0005, decimals: 3) == "0.001")
        #expect(NumberText.fixed(2, decimals: 2) == "2.00")
        #expect(NumberText.fixed(-0.04, decimals: 1) == "0.0")
        #expect(NumberText.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(NumberText.fixed(.nan, decimals: 1) == "–")
        #expect(NumberText.fixed(999.96, decimals: 1) == "1,000.0")
    }
}
