import Foundation
import Testing
@testable import H2Profile
import H2Results

/// Gate rules: the rule grammar, units, scopes, and `gate:` in profiles and `--rules` files.
struct GateRuleTests {
    private func rule(_ text: String) throws -> GateRule {
        switch GateRule.parse(text) {
        case .success(let rule): return rule
        case .failure(let problem): throw problem
        }
    }

    @Test func parsesAbsoluteRulesInCanonicalUnits() throws {
        let truncated = try rule("truncated == 0")
        #expect(truncated.metric.name == "truncated" && truncated.comparison == .equal && truncated.bound == .absolute(0))
        let wake = try rule("wakePoll.p99<2ms")
        #expect(wake.metric.unit == .microseconds && wake.comparison == .less && wake.bound == .absolute(2_000))
        let zero = try rule("flowControl.streamZeroWindowSeconds <= 1.5s")
        #expect(zero.bound == .absolute(1.5) && zero.comparison == .lessOrEqual)
        let bytes = try rule("throughput.bytesPerSecond >= 100MB/s")
        #expect(bytes.bound == .absolute(100_000_000))
        let prefixed = try rule("latency.ttfb.p999 != 250us")
        #expect(prefixed.metric.name == "ttfb.p999" && prefixed.bound == .absolute(250) && prefixed.comparison == .notEqual)
        #expect(try rule("openLoop.lateStarts < 10").metric.unit == .count)
    }

    @Test func parsesBaselineRulesEitherWay() throws {
        #expect(try rule("throughput.bytesPerSecond > 0.9 * baseline").bound == .baseline(factor: 0.9))
        #expect(try rule("streamDuration.p99 < baseline * 1.1").bound == .baseline(factor: 1.1))
        #expect(try rule("ttfb.p50 <= baseline").bound == .baseline(factor: 1))
        #expect(try rule("ttfb.p50 <= baseline").needsBaseline)
        #expect(!(try rule("truncated == 0")).needsBaseline)
    }

    @Test(arguments: [
        ("wakePoll.p99 < 2", "add a time unit, e.g. `2ms`"),
        ("wakePol.p99 < 2ms", "did you mean `wakePoll.p99`?"),
        ("truncated = 0", "use `==`"),
        ("truncated", "no comparison found"),
        ("truncated == ", "the bound is missing"),
        ("< 3", "the metric is missing"),
        ("truncated < baseline * -1", "positive number as factor"),
        ("truncated == baseline", "using `<`, `<=`, `>` or `>=`"),
        ("0 < truncated < 3", "write one comparison per rule"),
        ("reset < ten", "write a plain number"),
    ])
    func rejectsBadRulesWithAFix(text: String, fragment: String) {
        guard case .failure(let problem) = GateRule.parse(text) else {
            Issue.record("`\(text)` parsed")
            return
        }
        #expect(problem.message.contains(fragment), "\(problem.message)")
        #expect(problem.message.hasPrefix("rule `"))
    }

    @Test func scopesMatchVariantsCellPrefixesAndPatterns() throws {
        var scoped = try rule("truncated == 0")
        #expect(scoped.applies(toCell: "a/t1/s1/r1", variant: "a"))
        scoped.variants = ["window-*"]
        #expect(scoped.applies(toCell: "window-1m/t1/s1/r1", variant: "window-1m"))
        #expect(!scoped.applies(toCell: "default/t1/s1/r1", variant: "default"))
        scoped.variants = []
        scoped.cells = ["w/t2"]
        #expect(scoped.applies(toCell: "w/t2/s1/r3", variant: "w"))
        #expect(!scoped.applies(toCell: "w/t20/s1/r3", variant: "w"))
        scoped.cells = ["*/r1"]
        #expect(scoped.applies(toCell: "w/t2/s1/r1", variant: "w"))
        #expect(!scoped.applies(toCell: "w/t2/s1/r2", variant: "w"))
    }

    @Test func profileGateDecodesWithScopeAndLinesAndRoundTripsThroughJSON() throws {
        let yaml = """
        name: g
        duration: 1s
        mix: [{http.get: {size: 1KiB}}]
        sweep:
          variants: [{name: a}, {name: b}]
        gate:
          - "truncated == 0"
          - {rule: "wakePoll.p99 < 2ms", variants: [b], cells: ["b/t1"]}
        """
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "g.yaml")
        #expect(loaded.base.gate.count == 2)
        #expect(loaded.base.gate[0].line == 7)
        #expect(loaded.base.gate[1].variants == ["b"] && loaded.base.gate[1].cells == ["b/t1"])
        #expect(loaded.cells.allSatisfy { $0.profile.gate == loaded.base.gate })
        let json = try JSONValue(encoding: loaded.base)
        let data = try JSONEncoder().encode(json["gate"]!)
        #expect(try JSONDecoder().decode([GateRule].self, from: data) == loaded.base.gate)
    }

    @Test func rulesFilesTakeAListOrAGateMapping() throws {
        let list = try GateRuleFile.parse(yaml: "- \"truncated == 0\"\n- {rule: \"reset < 5\", variants: [x]}\n", file: "r.yaml")
        #expect(list.map(\.text) == ["truncated == 0", "reset < 5"] && list[1].variants == ["x"])
        let mapping = try GateRuleFile.parse(yaml: "gate:\n  - \"failed == 0\"\n", file: "r.yaml")
        #expect(mapping.map(\.text) == ["failed == 0"])
        #expect(throws: ProfileError(file: "r.yaml", line: 2, field: "gate[1]",
                                     message: "`gate[1]`: rule `ttfb.p99 < 3`: write a time like `2ms`, `250us` or `1.5s` after the comparison, got `3`; add a time unit, e.g. `3ms`")) {
            try GateRuleFile.parse(yaml: "- \"truncated == 0\"\n- \"ttfb.p99 < 3\"\n", file: "r.yaml")
        }
    }
}
