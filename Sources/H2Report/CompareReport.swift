import H2Profile
import H2Results

/// Comparison tables: across runs (`h2stress compare A B …`) and within one run (variants side by side
/// per thread count, and each variant's figures versus thread count).
///
/// Cells are matched by ``CompareKey``; the repeats of a key are the samples. Every table names the test
/// and alpha (``Statistics/testDescription``).
public enum CompareReport {
    /// The figures compared, in table order.
    public static let figures: [GateMetric] = [
        "throughput.bytesPerSecond", "throughput.streamsPerSecond", "ttfb.p99", "streamDuration.p99",
        "messageGap.p99", "wakePoll.p50", "wakePoll.p99", "truncated", "failed",
    ].map { GateMetric(named: $0)! }

    /// The method line printed under every comparison heading.
    public static let methodNote = "Medians over repeats with 95 % bootstrap intervals of the median "
        + "(\(Statistics.bootstrapResamples) resamples, seeded); verdicts from a \(Statistics.testDescription). "
        + "With a single repeat no significance can be claimed."

    /// `runs[1…]` each compared with `runs[0]` (the baseline), one table per matching key.
    public static func acrossRuns(_ runs: [RunResult]) -> String {
        guard let baseline = runs.first else { return "" }
        var out = "# h2stress compare\n\n" + methodNote + "\n"
        out += "\nBaseline **A** = `\(baseline.runID)` (\(baseline.cells.count) cells).\n"
        let baseGroups = CompareKey.groups(baseline)
        for (offset, candidate) in runs.dropFirst().enumerated() {
            let name = runs.count > 2 ? "B\(offset + 1)" : "B"
            out += "\n## A `\(baseline.runID)` vs \(name) `\(candidate.runID)`\n"
            let candidateGroups = CompareKey.groups(candidate)
            var matched = 0
            for (key, baseCells) in baseGroups {
                guard let candidateCells = candidateGroups.first(where: { $0.key == key })?.cells else { continue }
                matched += 1
                out += "\n### `\(key)` (A: \(baseCells.count) repeat\(baseCells.count == 1 ? "" : "s"), \(name): \(candidateCells.count))\n\n"
                out += table(baselineTitle: "A", candidateTitle: name, baseCells, candidateCells)
            }
            let onlyA = baseGroups.map(\.key).filter { key in !candidateGroups.contains { $0.key == key } }
            let onlyB = candidateGroups.map(\.key).filter { key in !baseGroups.contains { $0.key == key } }
            if matched == 0 { out += "\nNo cells match (cells are matched by variant, threads and server threads).\n" }
            if !onlyA.isEmpty { out += "\nOnly in A: " + onlyA.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
            if !onlyB.isEmpty { out += "\nOnly in \(name): " + onlyB.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
        }
        return out
    }

    /// Within one run: for each (threads, serverThreads), every variant against the first variant; then each
    /// variant's medians versus thread count. Empty when the run has a single key.
    public static func withinRun(_ run: RunResult, headingLevel: Int = 2) -> String {
        let groups = CompareKey.groups(run)
        guard groups.count > 1 else { return "" }
        let hashes = String(repeating: "#", count: headingLevel)
        var out = ""
        let variants = unique(groups.map(\.key.variant))
        if variants.count > 1 {
            var pairs = ""
            let points = unique(groups.map { [$0.key.threads, $0.key.serverThreads] })
            for point in points {
                let reference = CompareKey(variant: variants[0], threads: point[0], serverThreads: point[1])
                guard let referenceCells = groups.first(where: { $0.key == reference })?.cells else { continue }
                for variant in variants.dropFirst() {
                    let key = CompareKey(variant: variant, threads: point[0], serverThreads: point[1])
                    guard let cells = groups.first(where: { $0.key == key })?.cells else { continue }
                    pairs += "\n\(hashes)# `\(variant)` vs `\(variants[0])` at t\(point[0])/s\(point[1])\n\n"
                    pairs += table(baselineTitle: variants[0], candidateTitle: variant, referenceCells, cells)
                }
            }
            if !pairs.isEmpty {
                out += "\n\(hashes) Variants side by side\n\n" + methodNote + " Reference: the first variant, `\(variants[0])`.\n" + pairs
            }
        }
        let threadCounts = unique(groups.map(\.key.threads))
        if threadCounts.count > 1 {
            out += "\n\(hashes) Scaling with driver threads\n\nMedians over repeats per variant and thread count.\n"
            for variant in variants {
                out += "\n\(hashes)# `\(variant)`\n\n"
                var table = TextTable([.init(title: "threads", alignment: .right), .init(title: "server", alignment: .right)]
                    + figures.map { .init(title: $0.name, alignment: .right) })
                for (key, cells) in groups where key.variant == variant {
                    table.append([String(key.threads), String(key.serverThreads)] + figures.map { metric in
                        Statistics.median(CompareDelta.values(metric, cells)).map(metric.format) ?? NumberText.dash
                    })
                }
                out += table.markdown()
            }
        }
        return out
    }

    /// The figure table of one key: medians [CI], deltas, p, verdict.
    static func table(baselineTitle: String, candidateTitle: String, _ baseCells: [CellResult], _ candidateCells: [CellResult]) -> String {
        var table = TextTable([
            .init(title: "figure", alignment: .left),
            .init(title: "\(baselineTitle) median [95% CI]", alignment: .right),
            .init(title: "\(candidateTitle) median [95% CI]", alignment: .right),
            .init(title: "Δ", alignment: .right),
            .init(title: "Δ %", alignment: .right),
            .init(title: "p", alignment: .right),
            .init(title: "verdict", alignment: .left),
        ])
        for metric in figures {
            let delta = CompareDelta(metric: metric,
                                     baseline: CompareDelta.values(metric, baseCells),
                                     candidate: CompareDelta.values(metric, candidateCells))
            if delta.verdict == .notMeasured && delta.baseline.isEmpty && delta.candidate.isEmpty { continue }
            table.append([
                metric.name,
                summary(metric, delta.baselineMedian, delta.baselineInterval),
                summary(metric, delta.candidateMedian, delta.candidateInterval),
                delta.absolute.map { ($0 > 0 ? "+" : "") + metric.format($0) } ?? NumberText.dash,
                delta.relative.map { ($0 > 0 ? "+" : "") + NumberText.fixed($0 * 100, decimals: 1) + "%" } ?? NumberText.dash,
                delta.p.map { NumberText.fixed($0, decimals: 3) } ?? NumberText.dash,
                verdictText(delta.verdict),
            ])
        }
        return table.markdown()
    }

    /// `**better**`, `**worse**`, or the plain verdict.
    static func verdictText(_ verdict: CompareVerdict) -> String {
        switch verdict {
        case .better: "**better**"
        case .worse: "**worse**"
        default: verdict.rawValue
        }
    }

    private static func summary(_ metric: GateMetric, _ median: Double?, _ interval: [Double]?) -> String {
        guard let median else { return NumberText.dash }
        guard let interval, interval.count == 2 else { return metric.format(median) }
        return "\(metric.format(median)) [\(metric.format(interval[0]))–\(metric.format(interval[1]))]"
    }

    private static func unique<T: Equatable>(_ values: [T]) -> [T] {
        var out: [T] = []
        for value in values where !out.contains(value) { out.append(value) }
        return out
    }
}
