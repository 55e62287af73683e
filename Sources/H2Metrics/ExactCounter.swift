import Prometheus

/// A Prometheus counter driven to given totals: the exporter knows totals (from the workers'
/// progress and the final ``H2Results/CellResult``), the counter only knows increments.
///
/// Threading: a value inside ``RunMetrics``'s lock; the `Counter` itself is atomic.
/// Invariants: ``value`` is what the counter shows.
struct ExactCounter: Sendable {
    let counter: Counter
    private(set) var value: Int64 = 0

    init(_ counter: Counter) { self.counter = counter }

    /// Raises the counter to `total`; a lower total is ignored (live figures only grow).
    mutating func raise(to total: Int) {
        let total = Int64(total)
        guard total > value else { return }
        counter.increment(by: total - value)
        value = total
    }

    /// Sets the counter to exactly `total` (a final figure). Lower than shown — which the live
    /// figures never are — is exported as a counter reset, as Prometheus expects.
    mutating func set(to total: Int) {
        let total = Int64(max(0, total))
        if total < value {
            counter.reset()
            value = 0
        }
        raise(to: Int(total))
    }
}
