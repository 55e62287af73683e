import Foundation
import H2Report
import H2Target
import H2TestSupport
import Testing
import H2Profile
import H2Results
import H2Driver
import H2Run

/// The gate on real runs, not synthetic ones: three short runs of the same profile against the
/// embedded server, the third with the server pacing its messages three times slower (a real,
/// known regression: 6 ms instead of 2 ms between messages). Against the first run, the second
/// run passes the baseline rules and the slow one fails them, significantly (4 vs 4 repeats).
///
/// Serialized: each run loads both cores for about 2 s (4 repeats × 500 ms).
@Suite(.serialized, .tags(.timing))
struct GateRealRegressionTimingTests {
    static func profile(intervalMs: Int) -> String {
        """
        name: gate-real
        warmup: 0s
        duration: 500ms
        connections: 2
        streamsPerConnection: 8
        mix:
          - grpc.serverStream: {messages: 4, size: 1KiB, interval: \(intervalMs)ms}
        sweep:
          repeats: 4
        """
    }

    static func run(intervalMs: Int) throws -> RunResult {
        let loaded = try ProfileLoader.parse(yaml: profile(intervalMs: intervalMs), file: "gate-real.yaml")
        let runner = Runner(loaded: loaded, launcher: EmbeddedTargetLauncher(), control: RunControl())
        let result = runner.run(runID: "gate-real-\(intervalMs)ms-\(UUID().uuidString.prefix(8))", startedAt: Date())
        #expect(result.status == .complete)
        #expect(result.cells.count == 4)
        #expect(result.cells.allSatisfy { $0.streams.complete > 50 && $0.streams.failed == 0 }, "\(result.cells.map(\.streams))")
        return result
    }

    static let rules: [GateRule] = [
        "truncated == 0",
        "streamDuration.p50 < 1.3 * baseline",
        "messageGap.p50 < 1.3 * baseline",
    ].map { try! GateRule.parse($0).get() }

    @Test func aSlowerServerFailsTheBaselineRulesAndAnEqualOneDoesNot() throws {
        let baseline = try Self.run(intervalMs: 2)
        let again = try Self.run(intervalMs: 2)
        let slower = try Self.run(intervalMs: 6)

        let same = Gate.evaluate(again, rules: Self.rules, baseline: baseline)
        for check in same.checks where check.baseline != nil {
            print("gate on real runs: same server \(check.metric) \(check.measured ?? 0) vs baseline \(check.baseline ?? 0)")
        }
        #expect(same.passed, "\(same.failures.map(\.message))")
        #expect(same.skipped.isEmpty)

        let regressed = Gate.evaluate(slower, rules: Self.rules, baseline: baseline)
        #expect(!regressed.passed)
        let failed = Set(regressed.failures.map(\.metric))
        #expect(failed == ["streamDuration.p50", "messageGap.p50"], "\(regressed.failures.map(\.message))")
        for check in regressed.failures {
            #expect((check.p ?? 1) < 0.05, "a significant regression: \(check.message)")
            // The slower server really is about 3× slower between messages.
            if check.metric == "messageGap.p50", let measured = check.measured, let base = check.baseline {
                #expect(measured / base > 2 && measured / base < 4, "\(check.message)")
            }
        }
        // Absolute rules still pass on the slow run: slower is not broken.
        #expect(regressed.checks.filter { $0.rule == "truncated == 0" }.allSatisfy { $0.status == .passed })
    }
}
