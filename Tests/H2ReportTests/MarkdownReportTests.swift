import Foundation
import Testing
@testable import H2Report
import H2Results

@Suite("MarkdownReport")
struct MarkdownReportTests {
    /// `Tests/H2ReportTests/Golden/`, found from this source file (no resource bundle needed).
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("report.md matches the golden file (H2STRESS_UPDATE_GOLDEN=1 rewrites it)",
          arguments: [("report.md", SyntheticRun.make()), ("report-managed.md", SyntheticRun.withFaultsAndTargetProcess())])
    func golden(name: String, run: RunResult) throws {
        let rendered = MarkdownReport.render(run)
        let file = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["H2STRESS_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: file)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(rendered == golden, "report.md differs from \(file.path); rerun with H2STRESS_UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test("faults and a managed target's process get their tables, with the early death marked")
    func faultsAndTargetProcess() {
        let report = MarkdownReport.render(SyntheticRun.withFaultsAndTargetProcess())
        #expect(report.contains("## Faults\n"))
        #expect(report.contains("### `window-64k/t2/r1`"))
        #expect(report.contains("| `rst;after=3;code=8` | reset    | ✓   |"), "\(report)")
        #expect(report.contains("| `none`               | complete | ✗   |"), "two truncated clean streams: not as expected")
        #expect(report.contains("## Target process\n"))
        #expect(report.contains("| baseline/t1/r1   |  4.75 | 3.50 | 1.25 |   73.4 |    0.42 | signal 15 (SIGTERM) |"), "\(report)")
        #expect(report.contains("| window-64k/t2/r2 |  0.75 | 0.50 | 0.25 |      – |       – | ⚠ exit 3 (early)    |"), "\(report)")
        // How each cell's target was started, and the header saying the Target line is the last cell's.
        #expect(report.contains("| baseline/t1/r1   | 40311 | `GODEBUG=gctrace=1 GOMAXPROCS=2` | `./bin/grpc-server -addr 127.0.0.1:40311 -window 1048576` |"), "\(report)")
        #expect(report.contains(#"| window-64k/t2/r2 | 40555 | –                                | `python3 -c 'print('\''a\|b'\'')' --port 40555`           |"#), "\(report)")
        #expect(report.contains(#"- **Target:** command `python3 -c 'print('\''a|b'\'')' --port 40555` on 127.0.0.1:40555 (the last cell's; every cell's command, env and port are under *Target process*)"#))
        // Without them, neither section appears.
        let plain = MarkdownReport.render(SyntheticRun.make())
        #expect(!plain.contains("## Faults") && !plain.contains("## Target process"))
        #expect(plain.contains("- **Target:** embedded 127.0.0.1:40123\n"))
    }

    @Test("a managed target recorded before command, env and port existed gets no launch table")
    func targetProcessWithoutLaunchInfo() {
        var run = SyntheticRun.withFaultsAndTargetProcess()
        for i in run.cells.indices { run.cells[i].target?.command = nil }
        let report = MarkdownReport.render(run)
        #expect(report.contains("## Target process\n"))
        #expect(!report.contains("How each cell's target was started"))
        #expect(!report.contains("every cell's command"))
    }

    @Test("complete streams whose size nothing fixed are named in report.md, report.html and the terminal summary, each with its label")
    func sizeUnverified() {
        var run = SyntheticRun.make()
        #expect(MarkdownReport.sizeUnverifiedNote(run) == nil, "nothing to say when every size was checked")
        #expect(!MarkdownReport.render(run).contains("Size not verified"))
        run.cells[0].completeSizeUnverified = 1_234
        let complete = run.cells.reduce(0) { $0 + $1.streams.complete }
        let counts = "1,234 of \(NumberText.grouped(complete)) complete streams were judged by status and END_STREAM only"
        #expect(MarkdownReport.render(run).contains("**Size not verified:** \(counts)"))
        #expect(HTMLReport.render(run).contains("<p class=\"legend-text\">Size not verified: \(counts)"))
        let summary = SummaryTable.render(run)
        #expect(summary.contains("size not verified: \(counts)"))
        #expect(summary.contains("an http.request without expect.size") && !summary.contains("`"), "plain text on the terminal")
    }

    @Test("code spans are fenced with more backticks than the text holds in a row")
    func codeSpans() {
        #expect(MarkdownReport.codeSpan("a b") == "`a b`")
        #expect(MarkdownReport.codeSpan("echo `x`") == "`` echo `x` ``")
        #expect(MarkdownReport.codeSpan("a``b") == "```a``b```")
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
        // ttfb p50, ttfb p99, gap p99, dur p99, wake p50, wake p99, cpu s, RSS MB
        #expect(Array(cells[11...14]) == ["–", "–", "–", "–"])
        #expect(Array(cells[15...16]) == ["n/a", "n/a"], "no reads: wake is not measurable, not zero")
        #expect(cells[3] == "–", "no server threads")
    }

    @Test("unavailable wake figures show n/a and the reason is printed once")
    func wakeNotAvailable() throws {
        let report = MarkdownReport.render(SyntheticRun.make())
        let section = report.components(separatedBy: "## Wake latency")[1].components(separatedBy: "\n## ")[0]
        #expect(report.components(separatedBy: WakeAvailability.noTimestampsNote).count == 2, "the note appears exactly once")
        #expect(section.contains("- \(WakeAvailability.noTimestampsNote): `window-64k/t2/r1`\n"))
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| window-64k/t2/r1") }
        #expect(rows.count == 3)
        for row in rows where row.contains("wakePoll") || row.contains("wakeDispatch") {
            #expect(row.components(separatedBy: "n/a").count == 7, "six n/a figures: \(row)")
        }
        let delivery = try #require(rows.first { $0.contains("delivery") })
        #expect(delivery.contains("400") && !delivery.contains("n/a"), "delivery does not need kernel timestamps")
        let mainRow = try #require(report.split(separator: "\n").first { $0.hasPrefix("| window-64k/t2/r1") })
        #expect(mainRow.components(separatedBy: "n/a").count == 3, "both wake columns of the main table")
        let baseline = try #require(report.split(separator: "\n").first { $0.hasPrefix("| baseline/t1/r1") })
        #expect(!baseline.contains("n/a"))
    }

    @Test("open-loop cells get a line and the coordinated-omission remark")
    func openLoopLine() {
        let report = MarkdownReport.render(SyntheticRun.make())
        #expect(report.contains("- `window-64k/t2/r1`: requested 110.0 streams/s, achieved 105.8 streams/s; 12 of 540 starts late (> 1 ms)"))
        #expect(report.contains("measured from the intended start time (coordinated omission corrected)"))
        #expect(!report.contains("- `baseline/t1/r1`: requested"))
        var closed = SyntheticRun.make()
        closed.cells[1].openLoop = nil
        #expect(!MarkdownReport.render(closed).contains("## Open loop"))
    }

    @Test("flow control shows n/a for targets without server figures, and the series one character per second")
    func flowControlAndSeries() throws {
        let report = MarkdownReport.render(SyntheticRun.make())
        let flow = report.components(separatedBy: "## Flow control and consumers")[1].components(separatedBy: "\n## ")[0]
        let idle = try #require(flow.split(separator: "\n").first { $0.hasPrefix("| window-64k/t2/r2") })
        #expect(idle.components(separatedBy: "n/a").count == 5, "four server columns")
        let faulty = try #require(flow.split(separator: "\n").first { $0.hasPrefix("| window-64k/t2/r1") })
        let figures = faulty.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // cell, stream 0-win, conn 0-win, streams at 0, per-stream p99, WU frames, WU bytes,
        // srv stream stalls, p99, srv conn stalls, p99, slow streams, consumer delay
        #expect(figures[3] == "300" && figures[5] == "900")
        #expect(figures[7] == "800" && figures[9] == "20" && figures[11] == "120" && figures[12] == "36.500")
        let series = report.components(separatedBy: "## Per-second series")[1].components(separatedBy: "\n## ")[0]
        let baseline = try #require(series.split(separator: "\n").first { $0.hasPrefix("| baseline/t1/r1") })
        let sparklines = baseline.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(sparklines.count == 2)
        #expect(sparklines.allSatisfy { $0.count == 5 }, "five seconds, one character each: \(sparklines)")
        #expect(sparklines[1].last(where: { $0 == "█" }) != nil, "second 3 has the wake spike")
    }

    @Test("abnormal streams are capped at 20 per cell with a count of the rest")
    func capsFailures() {
        let report = MarkdownReport.render(SyntheticRun.make())
        let section = report.components(separatedBy: "## Abnormal streams")[1].components(separatedBy: "## Connection errors")[0]
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| truncated") || $0.hasPrefix("| reset") || $0.hasPrefix("| goaway") }
        #expect(rows.count == MarkdownReport.failuresShownPerCell)
        #expect(section.contains("… and 7 more (in run.json)."))
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
        #expect(lines.count == 2 + 3 + 1 + 2)
        #expect(lines[0].hasPrefix("cell "))
        #expect(lines[1].allSatisfy { $0 == "-" || $0 == " " })
        // Right-aligned numeric columns end at the same offset: the RSS column is last.
        let ruleWidth = lines[1].count
        for row in lines[2...4] { #expect(row.count == ruleWidth, "row: \(row)") }
        #expect(lines[2].hasSuffix("48.2"))
        #expect(lines[5].contains("1,700 streams complete, 12 truncated, 15 other failures, 4 unfinished"))
        #expect(lines[6] == "wake n/a in 1 of 3 cells: the kernel gave no receive timestamps (SO_TIMESTAMPING).")
        #expect(lines[7] == "wake n/a in 1 of 3 cells: no socket reads in the measured window.")
        #expect(SummaryTable.render(RunResult(runID: "r", startedAt: "s", environment: SyntheticRun.environment,
                                              profileFile: "p", profile: .null, target: "t")) == "no cells ran\n")
    }

    @Test("sparklines scale from 0 to the maximum, mark gaps, and fold long series")
    func sparkline() {
        #expect(Sparkline([0, 1, 2, 4, 8, nil], fold: { $0.max()! }).text == "▁▂▃▅█·")
        #expect(Sparkline([0, 0], fold: { $0.max()! }).text == "▁▁")
        #expect(Sparkline([], fold: { $0.max()! }).text.isEmpty)
        let long = Sparkline((0..<150).map { Double($0) }, fold: { $0.reduce(0, +) / Double($0.count) })
        #expect(long.valuesPerCharacter == 3)
        #expect(long.text.count == 50 && long.text.last == "█")
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

@Suite("Transport and consumer section")
struct ConsumedSectionTests {
    @Test("cells with consumed durations or deadlines get a row: transport vs consumed, deadline sources, arrived and taken")
    func consumedSection() throws {
        let report = MarkdownReport.render(SyntheticRun.make())
        let after = try #require(report.components(separatedBy: "## Transport and consumer").dropFirst().first)
        let section = after.components(separatedBy: "\n## ")[0]
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| cell") && !$0.hasPrefix("| ---") }
        #expect(rows.count == 1, "only the cell with consumers and deadlines")
        let cells = try #require(rows.first).split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // cell, transport p50, p99, consumed p50, p99, deadline client, server, arrived, taken
        #expect(cells[0] == "window-64k/t2/r1")
        #expect(cells[5] == "1" && cells[6] == "1", "one deadline from each side: \(cells)")
        #expect(cells[7] == "47" && cells[8] == "29", "\(cells)")
        // 500 consumed durations from 0.902 s to 1.9 s: the median near 1.4 s.
        let consumedP50 = try #require(Double(cells[3].replacingOccurrences(of: ",", with: "")))
        #expect(abs(consumedP50 - 1_400) < 5, "\(cells[3])")
        let html = HTMLReport.render(SyntheticRun.make())
        #expect(html.contains("<h2 id=\"consumed\">Transport and consumer</h2>"))
    }
}
