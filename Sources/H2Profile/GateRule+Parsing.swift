/// Reading a rule's text (see ``GateRule`` for the grammar).
extension GateRule {
    /// Why a rule's text could not be read; `message` says what to write instead.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong and how to fix it, e.g. "`wakePoll.p99 < 2`: write a time with a unit, e.g. `2ms`".
        public var message: String
    }

    /// Parses `text` (e.g. `wakePoll.p99 < 2ms`) into an unscoped rule.
    public static func parse(_ text: String) -> Result<GateRule, SyntaxError> {
        let rule = text.trimmingSpaces()
        func failure(_ message: String) -> Result<GateRule, SyntaxError> {
            .failure(SyntaxError(message: "rule `\(rule)`: \(message)"))
        }
        let example = "write `<metric> <op> <bound>`, e.g. `truncated == 0`, `wakePoll.p99 < 2ms` or `throughput.bytesPerSecond > 0.9 * baseline`"
        // The first operator occurrence; two-character operators first.
        var found: (Range<String.Index>, Comparison)?
        for index in rule.indices {
            let rest = rule[index...]
            if let op = [Comparison.equal, .notEqual, .lessOrEqual, .greaterOrEqual].first(where: { rest.hasPrefix($0.rawValue) }) {
                found = (index..<rule.index(index, offsetBy: 2), op)
                break
            }
            if rest.hasPrefix("<") { found = (index..<rule.index(after: index), .less); break }
            if rest.hasPrefix(">") { found = (index..<rule.index(after: index), .greater); break }
            if rest.hasPrefix("=") {
                return failure("use `==` to compare, not `=`")
            }
        }
        guard let (range, comparison) = found else { return failure("no comparison found; \(example)") }
        let name = String(rule[..<range.lowerBound]).trimmingSpaces()
        let boundText = String(rule[range.upperBound...]).trimmingSpaces()
        guard !name.isEmpty else { return failure("the metric is missing before `\(comparison.rawValue)`; \(example)") }
        guard !boundText.isEmpty else { return failure("the bound is missing after `\(comparison.rawValue)`; \(example)") }
        if boundText.contains(where: { "<>=!".contains($0) }) {
            return failure("write one comparison per rule; split it into two rules")
        }
        guard let metric = GateMetric(named: name) else {
            let hint = FieldSuggestion.closest(to: name, among: GateMetric.allNames).map { "did you mean `\($0)`?" }
                ?? "use an outcome (`truncated`, `reset`, `goaway`, `connectionLost`, `deadline`, `statusError`, `integrity`, `failed`), `throughput.bytesPerSecond`, `<latency>.<p50|p90|p99|p999|max|mean|min>` with latency `ttfb`, `streamDuration`, `messageGap`, `wakePoll`, `wakeDispatch` or `delivery`, `flowControl.*` or `openLoop.lateStarts`"
            return failure("unknown metric `\(name)`; \(hint)")
        }
        switch parseBound(boundText, metric: metric) {
        case .failure(let message):
            return failure(message.message)
        case .success(let bound):
            if case .baseline = bound, comparison == .equal || comparison == .notEqual {
                return failure("compare with a baseline using `<`, `<=`, `>` or `>=` (e.g. `\(name) < 1.1 * baseline`), not `\(comparison.rawValue)`")
            }
            return .success(GateRule(text: rule, metric: metric, comparison: comparison, bound: bound))
        }
    }

    private static func parseBound(_ text: String, metric: GateMetric) -> Result<Bound, SyntaxError> {
        if text.contains("baseline") {
            let factors = text.split(separator: "*", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            let shape = "write `baseline`, `0.9 * baseline` or `baseline * 1.1`"
            switch factors.count {
            case 1:
                guard factors[0] == "baseline" else { return .failure(SyntaxError(message: "\(shape), got `\(text)`")) }
                return .success(.baseline(factor: 1))
            case 2:
                let number = factors[0] == "baseline" ? factors[1] : factors[1] == "baseline" ? factors[0] : nil
                guard let number, let factor = Double(number), factor.isFinite, factor > 0 else {
                    return .failure(SyntaxError(message: "\(shape) with a positive number as factor, got `\(text)`"))
                }
                return .success(.baseline(factor: factor))
            default:
                return .failure(SyntaxError(message: "\(shape), got `\(text)`"))
            }
        }
        switch metric.unit {
        case .count, .perSecond:
            guard let value = Double(text.filter { $0 != "_" }), value.isFinite else {
                let suffix = metric.unit == .perSecond ? " (per second)" : ""
                return .failure(SyntaxError(message: "write a plain number\(suffix) after the comparison, e.g. `0` or `1000`, got `\(text)`"))
            }
            return .success(.absolute(value))
        case .bytesPerSecond:
            if let value = Double(text.filter { $0 != "_" }), value.isFinite { return .success(.absolute(value)) }
            var size = text
            if size.hasSuffix("/s") { size.removeLast(2) }
            guard case .success(let bytes) = ByteCount.parse(size.trimmingSpaces()) else {
                return .failure(SyntaxError(message: "write bytes per second as a number or a size such as `100MB/s` or `1GiB/s`, got `\(text)`"))
            }
            return .success(.absolute(Double(bytes.bytes)))
        case .microseconds, .seconds:
            switch TimeSpan.parse(text) {
            case .failure(let failure):
                let hint = Double(text) != nil ? "; add a time unit, e.g. `\(text)ms`" : failure.hint.map { "; \($0)" } ?? ""
                return .failure(SyntaxError(message: "write a time like `2ms`, `250us` or `1.5s` after the comparison, got `\(text)`\(hint)"))
            case .success(let span):
                let nanos = Double(span.nanoseconds)
                return .success(.absolute(metric.unit == .microseconds ? nanos / 1e3 : nanos / 1e9))
            }
        }
    }
}
