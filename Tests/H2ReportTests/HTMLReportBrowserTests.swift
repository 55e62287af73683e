import Foundation
import Testing
@testable import H2Report

/// `report.html` in a real browser: headless Chromium loads it, logs no console error, and the DOM it built has
/// the expected series per chart. Skipped (with the reason shown) when chromium is missing and `CI` is unset;
/// with `CI` set a missing browser fails the test.
@Suite("HTMLReport in headless Chromium",
       .enabled(if: HTMLReportChromium.executable != nil || HTMLReportChromium.isCI,
                "chromium is not installed (apt-get install -y chromium); set CI=1 to make this a failure"))
struct HTMLReportBrowserTests {
    private func browser() throws -> HTMLReportChromium {
        let executable = try #require(HTMLReportChromium.executable, "CI is set but no chromium executable was found on PATH")
        return HTMLReportChromium(executable: executable)
    }

    private func write(_ page: String) throws -> (file: String, directory: String) {
        let directory = NSTemporaryDirectory() + "h2report-html-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/report.html"
        try Data(page.utf8).write(to: URL(fileURLWithPath: file))
        return (file, directory)
    }

    @Test("loads the report with no console errors and the expected series per chart", .timeLimit(.minutes(2)))
    func loadsReport() throws {
        var run = SyntheticRun.make()
        run.cells[0].variant = "<x&y>"
        let (file, directory) = try write(HTMLReport.render(run))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let load = try browser().dumpDOM(of: file)
        #expect(load.status == 0)
        #expect(load.consoleLines.isEmpty, "console output: \(load.consoleLines)")
        #expect(load.dom.contains("</html>"), "no DOM dumped")
        let expected = HTMLReportExpectations.seriesCounts(run)
        #expect(!expected.isEmpty)
        #expect(HTMLReportExpectations.scannedSeriesCounts(load.dom) == expected)
        #expect(HTMLReportExpectations.svgBlocks(load.dom).count == HTMLReportExpectations.svgBlocks(HTMLReport.render(run)).count)
    }

    @Test("the check sees console errors and uncaught exceptions (control)", .timeLimit(.minutes(2)))
    func detectsConsoleErrors() throws {
        let page = "<!DOCTYPE html><html><body><p>x</p><script>console.error('planted'); throw new Error('planted failure')</script></body></html>"
        let (file, directory) = try write(page)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let load = try browser().dumpDOM(of: file)
        #expect(load.consoleLines.contains { $0.contains("planted") })
        #expect(load.consoleLines.contains { $0.contains("Uncaught Error: planted failure") })
    }

    @Test("renders a screenshot of the report", .timeLimit(.minutes(2)))
    func screenshot() throws {
        let (file, directory) = try write(HTMLReport.render(SyntheticRun.make()))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let png = directory + "/report.png"
        let load = try browser().screenshot(of: file, to: png, width: 1280, height: 2400)
        #expect(load.status == 0)
        #expect(load.consoleLines.isEmpty, "console output: \(load.consoleLines)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG file")
        #expect(data.count > 20_000, "a page with charts, not a blank image (\(data.count) bytes)")
    }
}
