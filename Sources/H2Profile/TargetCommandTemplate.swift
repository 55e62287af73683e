/// The placeholders of a managed target's `command` and `env` templates, and their
/// substitution per cell.
///
/// A template is text with `{name}` placeholders; `{{` and `}}` stand for literal braces.
/// The names (all substituted as plain decimal text; sizes in bytes):
///
/// | placeholder | value |
/// |---|---|
/// | `{threads}` | the cell's **server** thread count (`sweep.serverThreads`, else `server.threads`) — what a managed server should use, e.g. `GOMAXPROCS` |
/// | `{driverThreads}` | the cell's driver worker threads (`sweep.threads`, else `threads`) |
/// | `{variant}`, `{repeat}` | the cell's variant name and repeat number (1-based) |
/// | `{cell}` | the cell id with characters other than letters, digits, `.`, `_`, `-` turned into `_` |
/// | `{port}` | the port the target must listen on (`ready.port`, or a free port the harness picked) |
/// | `{connections}`, `{streamsPerConnection}`, `{seed}` | the cell's profile values |
/// | `{server.threads}`, `{server.streamWindow}`, `{server.connectionWindow}`, `{server.maxFrameSize}`, `{server.maxConcurrentStreams}` | the cell's `server` section |
/// | `{client.streamWindow}`, `{client.connectionWindow}`, `{client.maxFrameSize}` | the cell's `client` section |
public enum TargetCommandTemplate {
    /// Every placeholder name, in the order of the table above.
    public static let variableNames = [
        "threads", "driverThreads", "variant", "repeat", "cell", "port", "connections", "streamsPerConnection", "seed",
        "server.threads", "server.streamWindow", "server.connectionWindow", "server.maxFrameSize", "server.maxConcurrentStreams",
        "client.streamWindow", "client.connectionWindow", "client.maxFrameSize",
    ]

    /// A piece of a parsed template.
    public enum Piece: Sendable, Equatable {
        /// Literal text (braces already unescaped).
        case text(String)
        /// A `{name}` placeholder.
        case variable(String)
    }

    /// A template that cannot be parsed; `message` says what to write instead.
    public struct SyntaxError: Error, Sendable, Equatable {
        public var message: String
    }

    /// Splits `template` into text and placeholders. Names are not checked against
    /// ``variableNames`` here (the profile decoder does that, with suggestions).
    public static func parse(_ template: String) -> Result<[Piece], SyntaxError> {
        var pieces: [Piece] = []
        var text = ""
        var index = template.startIndex
        while index < template.endIndex {
            let c = template[index]
            let next = template.index(after: index)
            if c == "{" {
                if next < template.endIndex, template[next] == "{" {
                    text.append("{")
                    index = template.index(after: next)
                    continue
                }
                guard let close = template[next...].firstIndex(of: "}") else {
                    return .failure(SyntaxError(message: "`{` opens a placeholder that is never closed; write `{name}`, or `{{` for a literal `{`"))
                }
                let name = String(template[next..<close])
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }) else {
                    return .failure(SyntaxError(message: "`{\(name)}` is not a placeholder; write `{name}` with a name such as `{threads}`, or `{{`/`}}` for literal braces"))
                }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(.variable(name))
                index = template.index(after: close)
            } else if c == "}" {
                guard next < template.endIndex, template[next] == "}" else {
                    return .failure(SyntaxError(message: "a lone `}`; write `}}` for a literal `}`"))
                }
                text.append("}")
                index = template.index(after: next)
            } else {
                text.append(c)
                index = next
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return .success(pieces)
    }

    /// `template` with each placeholder replaced by its value in `values`. A template that does
    /// not parse, or a placeholder without a value, is left as written (profiles are validated
    /// at load time, so this does not happen for loaded profiles).
    public static func render(_ template: String, values: [String: String]) -> String {
        guard case .success(let pieces) = parse(template) else { return template }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .variable(let name): out += values[name] ?? "{\(name)}"
            }
        }
        return out
    }

    /// The value of every placeholder for `cell`, with the target listening on `port`.
    public static func values(for cell: Cell, port: Int) -> [String: String] {
        let p = cell.profile
        return [
            "threads": String(cell.serverThreads),
            "driverThreads": String(cell.threads),
            "variant": cell.variant,
            "repeat": String(cell.repeat),
            "cell": fileStem(cellID: cell.id),
            "port": String(port),
            "connections": String(p.connections),
            "streamsPerConnection": String(p.streamsPerConnection),
            "seed": String(p.seed),
            "server.threads": String(cell.serverThreads),
            "server.streamWindow": String(p.server.streamWindow.bytes),
            "server.connectionWindow": String(p.server.connectionWindow.bytes),
            "server.maxFrameSize": String(p.server.maxFrameSize.bytes),
            "server.maxConcurrentStreams": String(p.server.maxConcurrentStreams),
            "client.streamWindow": String(p.client.streamWindow.bytes),
            "client.connectionWindow": String(p.client.connectionWindow.bytes),
            "client.maxFrameSize": String(p.client.maxFrameSize.bytes),
        ]
    }

    /// `argument` as a shell would need it quoted (`'…'` unless it is plain), for showing a command
    /// line in messages and reports only: h2stress never runs a command through a shell.
    public static func shellQuoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `arguments` as one line, each quoted by ``shellQuoted(_:)``, e.g. `./srv --port 40123 'a b'`.
    public static func commandLine(_ arguments: [String]) -> String {
        arguments.map(shellQuoted).joined(separator: " ")
    }

    /// `cell.id` made safe for a file name (`{cell}` and the `targets/` files).
    public static func fileStem(cellID: String) -> String {
        let safe = String(cellID.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
        })
        return safe.isEmpty ? "cell" : safe
    }
}
