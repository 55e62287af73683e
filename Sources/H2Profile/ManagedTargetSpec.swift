/// A managed target: a server process the harness starts before each cell and stops after it.
///
/// ```yaml
/// target:
///   command: ["python3", "interop/grpc_server.py", "--port", "{port}"]
///   env: {GOMAXPROCS: "{threads}"}
///   ready: {port: 50051, timeout: 10s}   # port absent: a free port is picked, see {port}
///   stop: {grace: 2s}
/// ```
///
/// `command` is an argument array that is executed directly (the first element is looked up
/// on `PATH`); no shell ever sees it. Every argument and env value may contain the
/// placeholders of ``TargetCommandTemplate`` (`{threads}`, `{variant}`, `{port}`, profile
/// values such as `{server.streamWindow}`), substituted per cell.
///
/// Invariants: `command` is non-empty and its first element is non-empty; every placeholder is
/// known; `readyTimeout` and `stopGrace` are > 0.
public struct ManagedTargetSpec: Sendable, Hashable, Codable {
    /// Program and arguments, as templates.
    public var command: [String]
    /// Environment variables set on top of the harness's own environment, as templates.
    public var env: [String: String]
    /// Port on 127.0.0.1 the target is ready on; `nil`: the harness picks a free port per cell
    /// and passes it as `{port}` (the command must then use `{port}`).
    public var readyPort: Int?
    /// How long the target may take until its port accepts a TCP connection (default 10s).
    public var readyTimeout: TimeSpan
    /// Time between SIGTERM and SIGKILL when stopping it (default 2s).
    public var stopGrace: TimeSpan

    /// The names of every placeholder that `command` or `env` uses (e.g. `port`, `threads`).
    public var placeholders: Set<String> {
        var names: Set<String> = []
        for text in command + env.values {
            guard case .success(let pieces) = TargetCommandTemplate.parse(text) else { continue }
            for case .variable(let name) in pieces { names.insert(name) }
        }
        return names
    }

    /// A managed target spec.
    public init(command: [String], env: [String: String] = [:], readyPort: Int? = nil,
                readyTimeout: TimeSpan = TimeSpan(nanoseconds: 10_000_000_000),
                stopGrace: TimeSpan = TimeSpan(nanoseconds: 2_000_000_000)) {
        self.command = command
        self.env = env
        self.readyPort = readyPort
        self.readyTimeout = readyTimeout
        self.stopGrace = stopGrace
    }
}
