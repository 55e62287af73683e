import H2Profile

/// Where `h2stress bench` sends its load: a fresh `h2stress serve` child per run (the default),
/// or a server this project did not write, named with `--target h2c://host:port[/path]`.
///
/// Against an external server the bench knows nothing of the server's side: there is no served
/// byte count and no server CPU, so each client's CPU-s/GB divides by the response bytes *that
/// client* counted over its whole run, and neither client warms up (their CPU and bytes then
/// cover the same window).
public enum BenchTarget: Sendable, Equatable, CustomStringConvertible {
    /// `h2stress serve`, started as a child on a free loopback port for each run.
    case embedded
    /// An external cleartext HTTP/2 server. `path`, when given, is requested in every download
    /// scenario instead of `/bytes/<n>` (the server must answer it with the scenario's size).
    case external(host: String, port: UInt16, path: String?)

    /// Parses `h2c://host:port` or `h2c://host:port/path`; the error says what to write.
    public init(url: String) throws(BenchError) {
        let example = "write `--target h2c://127.0.0.1:8080` or `h2c://127.0.0.1:8080/path`"
        guard url.lowercased().hasPrefix("h2c://") else {
            throw BenchError(url.lowercased().hasPrefix("https://")
                ? "`--target \(url)`: bench compares cleartext HTTP/2 only (h2load and the driver then do the same work); \(example)"
                : "`--target \(url)`: \(example)")
        }
        let rest = url.dropFirst("h2c://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = rest[slash...]
        // `[::1]:8080` or `host:8080`: the port follows the last colon.
        guard let colon = authority.lastIndex(of: ":"), let port = UInt16(authority[authority.index(after: colon)...]), port > 0 else {
            throw BenchError("`--target \(url)`: name the port, e.g. `h2c://127.0.0.1:8080`")
        }
        var host = String(authority[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw BenchError("`--target \(url)`: name the host, e.g. `h2c://127.0.0.1:8080`") }
        self = .external(host: host, port: port, path: path.isEmpty || path == "/" ? nil : String(path))
    }

    /// True for `--target`.
    public var isExternal: Bool {
        if case .external = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .embedded: "`h2stress serve` child"
        case .external(let host, let port, let path):
            "h2c://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path ?? "") (external: client-side byte counts, no warm-up)"
        }
    }
}
