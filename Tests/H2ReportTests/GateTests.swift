import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import H2Report
@testable import H2Profile

/// The gate on synthetic runs: absolute failures, noise-only baselines, real regressions, junit.xml, report.md.
struct GateTests {
    private func rules(_ texts: [String]) -> [GateRule] {
        texts.map { text in
            guard case .success(let rule) = GateRule.parse(text) else { preconditionFailure("bad test rule \(text)") }
            return rule
        }
    }

    private let variants = [("window-64k", 40.0, 200e6), ("window-1m", 30.0, 300e6)]

    @Test func anAbsoluteRuleThatMustFailFailsAndJUnitNamesIt() throws {
        let run = GateSyntheticRuns.run(id: "ci&<gate>", seed: 1, repeats: 2, variants: variants, truncatedIn: "window-1m")
        var scoped = rules(["wakePoll.p99 < 2ms"])[0]
        scoped.variants = ["window-1m"]
        let report = Gate.evaluate(run, rules: rules(["truncated == 0"]) + [scoped])
        #expect(!report.passed)
        #expect(report.checks.count == 4 + 2)
        let failures = report.failures
        #expect(failures.map(\.cell) == ["window-1m/t1/s1/r2"])
        #expect(failures[0].measured == 3 && failures[0].bound == 0)
        #expect(failures[0].message == "truncated = 3, required == 0")

        let xml = JUnitReport.render(report)
        let parsed = try JUnitDocument(xml)
        #expect(parsed.testcases == 6)
        #expect(parsed.failures == ["truncated == 0 @ window-1m/t1/s1/r2"])
        #expect(parsed.failureMessages[0].contains("measured 3") && parsed.failureMessages[0].contains("bound 0"))
        #expect(parsed.suites == ["truncated == 0", "wakePoll.p99 < 2ms [variants: window-1m]"])

        let markdown = MarkdownReport.render(run, gate: report)
        let headline = markdown.split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(headline.hasPrefix("**FAIL** · 1 of 6 gate checks failed · **3 truncated streams** · worst p99 wake latency"))
        #expect(markdown.contains("| **FAIL** | `truncated == 0`"))
    }

    @Test func unmeasuredFiguresAreSkippedNotPassed() {
        var run = GateSyntheticRuns.run(id: "r", seed: 1, repeats: 1, variants: variants)
        run.cells[0].latency["wakePoll"] = nil
        let report = Gate.evaluate(run, rules: rules(["wakePoll.p99 < 2ms", "openLoop.lateStarts == 0"]))
        #expect(report.passed)
        #expect(report.skipped.count == 1 + 2)
        #expect(JUnitReport.render(report).contains("<skipped message=\"`wakePoll.p99` was not measured"))
    }

    @Test func aBaselineComparisonWithOnlyNoisePasses() {
        let strict = rules(["streamDuration.p99 <= baseline", "throughput.bytesPerSecond >= baseline"])
        let tolerant = rules(["streamDuration.p99 < 1.1 * baseline", "throughput.bytesPerSecond > 0.9 * baseline"])
        var falseAlarms = 0
        for seed in UInt64(1)...12 {
            let baseline = GateSyntheticRuns.run(id: "base", seed: seed, repeats: 5, variants: variants)
            let candidate = GateSyntheticRuns.run(id: "cand", seed: seed + 1_000, repeats: 5, variants: variants)
            #expect(Gate.evaluate(candidate, rules: tolerant, baseline: baseline).passed)
            falseAlarms += Gate.evaluate(candidate, rules: strict, baseline: baseline).failures.count
        }
        // 48 strict checks of pure noise at alpha 0.05: a few false alarms at most.
        #expect(falseAlarms <= 4, "\(falseAlarms) false alarms")
    }

    @Test func aRealRegressionIsFlaggedAsSignificant() throws {
        // The candidate's window-64k behaves like a 64 KiB window with slow consumers: streams take 2.5× as long
        // and throughput halves; window-1m is unchanged.
        let baseline = GateSyntheticRuns.run(id: "base", seed: 7, repeats: 5, variants: variants)
        let candidate = GateSyntheticRuns.run(id: "cand", seed: 8, repeats: 5, variants: [("window-64k", 100.0, 100e6), ("window-1m", 30.0, 300e6)])
        let report = Gate.evaluate(candidate, rules: rules(["streamDuration.p99 < 1.1 * baseline", "throughput.bytesPerSecond > 0.9 * baseline"]), baseline: baseline)
        #expect(report.failures.map(\.cell) == ["window-64k/t1/s1", "window-64k/t1/s1"])
        for failure in report.failures {
            let p = try #require(failure.p)
            #expect(p < Statistics.alpha)
            #expect(failure.message.contains("significant (Mann–Whitney p = "))
            #expect(failure.baseline != nil && failure.bound != nil)
        }
        let comparison = CompareReport.acrossRuns([baseline, candidate])
        let section = try #require(comparison.components(separatedBy: "### `window-64k/t1/s1`").last?.components(separatedBy: "###").first)
        #expect(section.contains("| streamDuration.p99") && section.contains("**worse**"))
        #expect(comparison.contains("Mann–Whitney U"))
    }

    @Test func withASingleRepeatTheGateComparesDirectlyAndSaysSo() {
        let baseline = GateSyntheticRuns.run(id: "base", seed: 7, repeats: 1, variants: variants)
        let candidate = GateSyntheticRuns.run(id: "cand", seed: 8, repeats: 1, variants: [("window-64k", 100.0, 100e6), ("window-1m", 30.0, 300e6)])
        let report = Gate.evaluate(candidate, rules: rules(["streamDuration.p99 < 1.1 * baseline"]), baseline: baseline)
        #expect(report.failures.count == 1)
        #expect(report.failures[0].message.hasSuffix("with 1 vs 1 repeats no significance can be claimed, so the medians were compared directly"))
        #expect(report.failures[0].p == nil)
    }

    @Test func baselineRulesWithoutABaselineAreSkippedWithANote() {
        let run = GateSyntheticRuns.run(id: "r", seed: 1, repeats: 2, variants: variants)
        let report = Gate.evaluate(run, rules: rules(["ttfb.p99 < 1.2 * baseline"]))
        #expect(report.passed && report.skipped.count == 2)
        #expect(report.notes.count == 1)
    }

    @Test func withinRunComparisonPutsVariantsSideBySide() {
        let run = GateSyntheticRuns.run(id: "r", seed: 3, repeats: 5, variants: [("window-64k", 100.0, 100e6), ("window-1m", 30.0, 300e6)])
        let text = CompareReport.withinRun(run)
        #expect(text.contains("### `window-1m` vs `window-64k` at t1/s1"))
        #expect(text.contains("**better**"))
    }
}

/// The parts of a junit.xml the tests check, read with Foundation's XMLParser (so the file must be well-formed).
final class JUnitDocument: NSObject, XMLParserDelegate {
    var suites: [String] = []
    var testcases = 0
    var failures: [String] = []
    var failureMessages: [String] = []
    private var currentCase = ""

    init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw ReportError(path: "junit.xml", reason: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "testsuite": suites.append(attributes["name"] ?? "")
        case "testcase": testcases += 1; currentCase = attributes["name"] ?? ""
        case "failure": failures.append(currentCase); failureMessages.append(attributes["message"] ?? "")
        default: break
        }
    }
}
