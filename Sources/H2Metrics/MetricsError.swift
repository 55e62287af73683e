/// A problem with the live metrics endpoint that the user can fix (`run --metrics`).
///
/// Every case reads as an instruction naming the flag; the command line turns it into exit 64.
public enum MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--metrics` is not `host:port` (or `[v6]:port`), or the port is not 0…65535.
    case badAddress(String, reason: String)
    /// The address is well formed but cannot be listened on (in use, not local, no permission).
    case cannotListen(String, reason: String)

    public var description: String {
        switch self {
        case .badAddress(let text, let reason):
            return "`--metrics \(text)`: \(reason); give host:port, e.g. `--metrics 127.0.0.1:9464`, `--metrics 0.0.0.0:9464` or `--metrics [::1]:0` (port 0 picks a free port)"
        case .cannotListen(let text, let reason):
            return "`--metrics \(text)`: cannot listen there (\(reason)); choose a free port on a local address, or port 0 to let the system pick one"
        }
    }
}
