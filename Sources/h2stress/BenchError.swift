/// Why a `h2stress bench` scenario could not be run, phrased for the user.
struct BenchError: Error, CustomStringConvertible {
    /// What went wrong and, where possible, what to do about it.
    var description: String

    init(_ description: String) { self.description = description }
}
