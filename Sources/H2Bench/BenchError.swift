/// Why a `h2stress bench` scenario could not be run, phrased for the user.
public struct BenchError: Error, CustomStringConvertible {
    /// What went wrong and, where possible, what to do about it.
    public var description: String

    public init(_ description: String) { self.description = description }
}
