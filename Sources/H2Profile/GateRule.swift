/// One release-gate rule, e.g. `truncated == 0`, `wakePoll.p99 < 2ms` or
/// `throughput.bytesPerSecond > 0.9 * baseline`, with an optional scope.
///
/// Grammar (spaces optional around operators):
///
///     rule       = metric comparison bound
///     comparison = "==" | "!=" | "<" | "<=" | ">" | ">="
///     bound      = quantity | [factor "*"] "baseline" | "baseline" ["*" factor]
///     quantity   = number, with a time unit for latencies and flow-control times (`2ms`, `250us`),
///                  optionally a size for bytes per second (`100MB/s`, `1GiB`), else a plain number
///
/// Baseline rules need `<`, `<=`, `>` or `>=`. Parsing is ``parse(_:)``; values are compared in the
/// metric's canonical unit (``GateMetric/Unit``).
public struct GateRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the measured value is compared with the bound.
    public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"

        /// Whether `value` satisfies `value <op> bound`.
        public func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .equal: value == bound
            case .notEqual: value != bound
            case .less: value < bound
            case .lessOrEqual: value <= bound
            case .greater: value > bound
            case .greaterOrEqual: value >= bound
            }
        }
    }

    /// What the value is compared with.
    public enum Bound: Sendable, Hashable, Codable {
        /// A fixed value in the metric's canonical unit.
        case absolute(Double)
        /// `factor ×` the baseline run's value for the same (variant, threads, serverThreads).
        case baseline(factor: Double)
    }

    /// The rule as written (trimmed).
    public var text: String
    /// The figure tested.
    public var metric: GateMetric
    /// The comparison.
    public var comparison: Comparison
    /// The bound.
    public var bound: Bound
    /// Cell ids or patterns the rule applies to (`*` matches any text, `window-1m/t2` matches every cell
    /// id that starts with `window-1m/t2/`); empty: no restriction by cell.
    public var cells: [String]
    /// Variant names (or `*` patterns) the rule applies to; empty: every variant.
    public var variants: [String]
    /// The rule's line in its file, when known (for messages).
    public var line: Int?

    /// `rule` plus its scope, e.g. `wakePoll.p99 < 2ms [variants: window-1m]`.
    public var description: String {
        var scope: [String] = []
        if !variants.isEmpty { scope.append("variants: " + variants.joined(separator: ", ")) }
        if !cells.isEmpty { scope.append("cells: " + cells.joined(separator: ", ")) }
        return scope.isEmpty ? text : "\(text) [\(scope.joined(separator: "; "))]"
    }

    /// True when the bound refers to a baseline run.
    public var needsBaseline: Bool {
        if case .baseline = bound { return true }
        return false
    }

    /// Whether the rule applies to a cell with this id and variant.
    public func applies(toCell id: String, variant: String) -> Bool {
        if !variants.isEmpty, !variants.contains(where: { Self.matches(pattern: $0, variant) }) { return false }
        if !cells.isEmpty, !cells.contains(where: { Self.matches(pattern: $0, id) || id.hasPrefix($0 + "/") }) { return false }
        return true
    }

    /// `*` in `pattern` matches any run of characters; everything else matches itself.
    static func matches(pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }

    private enum CodingKeys: String, CodingKey { case rule, cells, variants, line }

    /// Encodes as `{rule, cells?, variants?, line?}` (how `run.json` carries the profile's gate).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .rule)
        if !cells.isEmpty { try container.encode(cells, forKey: .cells) }
        if !variants.isEmpty { try container.encode(variants, forKey: .variants) }
        try container.encodeIfPresent(line, forKey: .line)
    }

    /// Decodes `{rule, cells?, variants?, line?}` and re-parses the rule text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .rule)
        switch Self.parse(text) {
        case .failure(let problem):
            throw DecodingError.dataCorruptedError(forKey: .rule, in: container, debugDescription: problem.message)
        case .success(var rule):
            rule.cells = try container.decodeIfPresent([String].self, forKey: .cells) ?? []
            rule.variants = try container.decodeIfPresent([String].self, forKey: .variants) ?? []
            rule.line = try container.decodeIfPresent(Int.self, forKey: .line)
            self = rule
        }
    }

    /// A rule from its parts (no scope, no line).
    public init(text: String, metric: GateMetric, comparison: Comparison, bound: Bound) {
        self.text = text
        self.metric = metric
        self.comparison = comparison
        self.bound = bound
        self.cells = []
        self.variants = []
        self.line = nil
    }
}
