import H2Results

/// What matches cells across runs and variants: (variant, driver threads, server threads). The repeats of
/// one key are the samples of a comparison.
public struct CompareKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Variant name.
    public var variant: String
    /// Driver worker threads.
    public var threads: Int
    /// Server threads (0 = not applicable).
    public var serverThreads: Int

    /// The key of `cell`.
    public init(_ cell: CellResult) {
        variant = cell.variant
        threads = cell.threads
        serverThreads = cell.serverThreads
    }

    /// A key from its parts.
    public init(variant: String, threads: Int, serverThreads: Int) {
        self.variant = variant
        self.threads = threads
        self.serverThreads = serverThreads
    }

    /// `variant/t<threads>/s<serverThreads>`, the cell id without its repeat.
    public var description: String { "\(variant)/t\(threads)/s\(serverThreads)" }

    /// Orders by threads, server threads, then variant name.
    public static func < (lhs: CompareKey, rhs: CompareKey) -> Bool {
        (lhs.threads, lhs.serverThreads, lhs.variant) < (rhs.threads, rhs.serverThreads, rhs.variant)
    }

    /// The run's cells grouped by key, keys in first-appearance order.
    public static func groups(_ run: RunResult) -> [(key: CompareKey, cells: [CellResult])] {
        var order: [CompareKey] = []
        var cells: [CompareKey: [CellResult]] = [:]
        for cell in run.cells {
            let key = CompareKey(cell)
            if cells[key] == nil { order.append(key) }
            cells[key, default: []].append(cell)
        }
        return order.map { ($0, cells[$0]!) }
    }
}
