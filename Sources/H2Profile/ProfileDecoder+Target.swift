import H2Loop

/// The `target` section: `embedded`, `{url: …}` (h2c or https with TLS options) or
/// `{command: […], env: {…}, ready: {…}, stop: {…}}` (a managed target).
extension ProfileDecoder {
    static let urlTargetKeys = ["url", "caFile", "insecure", "serverName"]
    static let commandTargetKeys = ["command", "env", "ready", "stop"]

    func decodeTarget(_ node: ProfileNode) throws(ProfileError) -> TargetSpec {
        switch node.kind {
        case .scalar(let text):
            if text == "embedded" { return .embedded }
            if text.contains("://") {
                throw fail(node.origin, "target", "`target`: write an external server as `target: {url: \"\(text)\"}`")
            }
            throw fail(node.origin, "target", "`target`: write `embedded`, `{url: \"h2c://host:port\"}` or `{command: [\"./server\", \"--port\", \"{port}\"]}`, got `\(text)`")
        case .mapping:
            let target = try fields(node, "target", allowed: Self.urlTargetKeys + Self.commandTargetKeys)
            let hasURL = target.has("url"), hasCommand = target.has("command")
            if hasURL && hasCommand {
                throw fail(node.origin, "target", "`target` has both `url` and `command`; a target is either an external server (`url`) or a process h2stress starts (`command`), remove one")
            }
            if hasCommand {
                if let key = Self.urlTargetKeys.first(where: { target.has($0) }) {
                    throw fail(keyOrigin(target, key), target.path(key), "`\(target.path(key))` is a TLS option of `url` targets; a `command` target is reached over h2c on 127.0.0.1, remove `\(key)`")
                }
                return .command(try decodeCommandTarget(target))
            }
            if let key = Self.commandTargetKeys.first(where: { target.has($0) }) {
                throw fail(keyOrigin(target, key), target.path(key), "`\(target.path(key))` applies to `command` targets only (a process h2stress starts); remove it, or write `command: [...]` instead of `url`")
            }
            let urlNode = try require(target, "url", example: "`url: \"h2c://127.0.0.1:50051\"` or `command: [\"./server\", \"--port\", \"{port}\"]`")
            let url = try string(urlNode, "target.url")
            let secure = try checkURL(url, urlNode)
            let tlsKeys = ["caFile", "insecure", "serverName"].filter { target.has($0) }
            guard secure else {
                if let key = tlsKeys.first {
                    throw fail(keyOrigin(target, key), target.path(key), "`\(target.path(key))` is a TLS option, but `\(url)` is cleartext (h2c); use an `https://` URL or remove `\(key)`")
                }
                return .url(url, tls: nil)
            }
            var tls = TLSClientConfig()
            if let value = target.value("serverName") {
                let name = try string(value, target.path("serverName"))
                guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "/" || $0 == ":" }) else {
                    throw fail(value.origin, target.path("serverName"), "`\(target.path("serverName"))`: write a host name such as `api.example.com`, got `\(name)`")
                }
                tls.serverName = name
            }
            if let value = target.value("caFile") {
                let file = try string(value, target.path("caFile"))
                guard !file.isEmpty else {
                    throw fail(value.origin, target.path("caFile"), "`\(target.path("caFile"))` is empty; write the path of a PEM file of CA certificates, or remove it to use the system's trust store")
                }
                tls.caFile = file
            }
            if let value = target.value("insecure") { tls.insecure = try bool(value, target.path("insecure")) }
            if tls.insecure, tls.caFile != nil {
                throw fail(keyOrigin(target, "insecure"), target.path("insecure"), "`\(target.path("insecure"))` turns certificate verification off, so `caFile` would be ignored; remove one of them")
            }
            return .url(url, tls: tls)
        default:
            throw fail(node.origin, "target", "`target`: write `embedded`, `{url: \"h2c://host:port\"}` or `{command: [...]}`, got \(node.shownAs)")
        }
    }

    /// Accepts `h2c://host:port` and `https://host:port` (host may be `[v6]`), with an optional
    /// trailing `/`. Returns whether the URL is TLS (`https`).
    func checkURL(_ url: String, _ node: ProfileNode) throws(ProfileError) -> Bool {
        let field = "target.url"
        guard let schemeEnd = url.range(of: "://") else {
            throw fail(node.origin, field, "`\(field)`: write a URL like `h2c://127.0.0.1:50051` or `https://host:443`, got `\(url)`")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let secure: Bool
        switch scheme {
        case "h2c": secure = false
        case "https": secure = true
        case "h2":
            throw fail(node.origin, field, "`\(field)`: write `https://` for HTTP/2 over TLS (ALPN h2), got `\(url)`")
        case "http":
            throw fail(node.origin, field, "`\(field)`: write `h2c://` instead of `http://` for cleartext HTTP/2 with prior knowledge, got `\(url)`")
        default:
            throw fail(node.origin, field, "`\(field)`: use an `h2c://host:port` or `https://host:port` URL, got scheme `\(scheme)`")
        }
        var authority = Substring(url[schemeEnd.upperBound...])
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        let portSeparator = authority.lastIndex(of: ":")
        let host = portSeparator.map { authority[..<$0] } ?? authority
        let port = portSeparator.flatMap { Int(authority[authority.index(after: $0)...]) }
        guard !host.isEmpty, !host.contains("/"), !host.contains("@"), let port, (1...65_535).contains(port) else {
            throw fail(node.origin, field, "`\(field)`: write `\(scheme)://host:port` with a port from 1 to 65535 and no path, got `\(url)`")
        }
        return secure
    }

    /// Where `key` is written in `fields` (the mapping's own place when absent).
    func keyOrigin(_ fields: Fields, _ key: String) -> ProfileNode.Origin {
        fields.entries.first(where: { $0.key == key })?.keyOrigin ?? fields.node.origin
    }

    // MARK: Managed target

    func decodeCommandTarget(_ target: Fields) throws(ProfileError) -> ManagedTargetSpec {
        let commandPath = target.path("command")
        guard let commandNode = target.value("command") else {
            throw fail(target.node.origin, commandPath, "`\(commandPath)` is empty; write the program and its arguments, e.g. `command: [\"./server\", \"--port\", \"{port}\"]`")
        }
        let items: [ProfileNode]
        switch commandNode.kind {
        case .sequence(let found): items = found
        case .scalar(let text):
            let words = text.split(separator: " ").map { "\"\($0)\"" }.joined(separator: ", ")
            throw fail(commandNode.origin, commandPath, "`\(commandPath)`: write an argument array such as `[\(words)]`, not one string; h2stress runs the program directly, never through a shell")
        default:
            throw fail(commandNode.origin, commandPath, "`\(commandPath)`: write an argument array such as `[\"./server\", \"--port\", \"{port}\"]`, got \(commandNode.shownAs)")
        }
        guard !items.isEmpty else {
            throw fail(commandNode.origin, commandPath, "`\(commandPath)` is empty; write the program and its arguments, e.g. `[\"./server\", \"--port\", \"{port}\"]`")
        }
        var command: [String] = []
        for (index, item) in items.enumerated() {
            command.append(try template(item, "\(commandPath)[\(index)]"))
        }
        guard !command[0].isEmpty else {
            throw fail(items[0].origin, "\(commandPath)[0]", "`\(commandPath)[0]` is empty; write the program to run, e.g. `./server` or `python3`")
        }

        var env: [String: String] = [:]
        if let envNode = target.value("env") {
            let envPath = target.path("env")
            guard case .mapping(let entries) = envNode.kind else {
                throw fail(envNode.origin, envPath, "`\(envPath)`: write a mapping of variables, e.g. `env: {GOMAXPROCS: \"{threads}\"}`, got \(envNode.shownAs)")
            }
            for entry in entries {
                let field = Self.join(envPath, entry.key)
                guard let first = entry.key.first, first == "_" || (first.isASCII && first.isLetter),
                      entry.key.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                    throw fail(entry.keyOrigin, field, "`\(field)`: an environment variable name is letters, digits and `_`, not starting with a digit, got `\(entry.key)`")
                }
                env[entry.key] = try template(entry.value, field)
            }
        }

        var spec = ManagedTargetSpec(command: command, env: env)
        if let readyNode = target.value("ready") {
            let ready = try fields(readyNode, target.path("ready"), allowed: ["port", "timeout"])
            if let port = ready.value("port") { spec.readyPort = try int(port, ready.path("port"), 1...65_535) }
            if let timeout = ready.value("timeout") { spec.readyTimeout = try time(timeout, ready.path("timeout"), positive: true) }
        }
        if let stopNode = target.value("stop") {
            let stop = try fields(stopNode, target.path("stop"), allowed: ["grace"])
            if let grace = stop.value("grace") { spec.stopGrace = try time(grace, stop.path("grace"), positive: true) }
        }
        if spec.readyPort == nil {
            guard spec.placeholders.contains("port") else {
                throw fail(target.node.origin, target.path("ready.port"), "`\(target.path("ready.port"))` is missing and no argument or `env` value uses `{port}`; write the port the server listens on (`ready: {port: 50051}`), or pass `\"{port}\"` to it so h2stress can pick a free one")
            }
        }
        return spec
    }

    // MARK: Server settings without effect

    /// Rejects `server.*` fields and `sweep.serverThreads` that cannot change what is measured:
    /// a `url` target is a server h2stress does not start, and a `command` target only sees the
    /// values its arguments or `env` pass on as placeholders. Otherwise cells labelled with
    /// different server settings (`…/s1/…`, `…/s4/…`) would measure the same server.
    func checkServerSettingsApply(to target: TargetSpec, server: ProfileNode?, sweep: Fields) throws(ProfileError) {
        let written = (server?.entries ?? []).filter { $0.value.kind != .null }
        let serverThreads = sweep.entries.first { $0.key == "serverThreads" && $0.value.kind != .null }
        switch target {
        case .embedded:
            return
        case .url:
            if let entry = written.first {
                let field = Self.join("server", entry.key)
                throw fail(entry.keyOrigin, field, "`\(field)` has no effect on a `url` target (h2stress does not start that server): remove it, or use `target: embedded` / a `command` target that passes `{\(Self.placeholder(forServerKey: entry.key))}`")
            }
            if let entry = serverThreads {
                throw fail(entry.keyOrigin, "sweep.serverThreads", "`sweep.serverThreads` has no effect on a `url` target (h2stress does not start that server), so its cells would differ only in their `/s<n>` label: remove it, or use `target: embedded` / a `command` target that passes `{threads}`")
            }
        case .command(let spec):
            let used = spec.placeholders
            for entry in written {
                let field = Self.join("server", entry.key)
                let names = entry.key == "threads" ? ["threads", "server.threads"] : [field]
                guard !names.contains(where: used.contains) else { continue }
                let example = entry.key == "threads" ? "`env: {GOMAXPROCS: \"{threads}\"}`" : "`\"--window\", \"{\(field)}\"` in `command`"
                throw fail(entry.keyOrigin, field, "`\(field)` has no effect on this `command` target: no argument or `env` value uses \(names.map { "`{\($0)}`" }.joined(separator: " or ")); pass it to the server, e.g. \(example), or remove `\(field)`")
            }
            if let entry = serverThreads, !used.contains("threads"), !used.contains("server.threads") {
                throw fail(entry.keyOrigin, "sweep.serverThreads", "`sweep.serverThreads` has no effect on this `command` target: no argument or `env` value uses `{threads}` (the cell's server thread count), so its cells would differ only in their `/s<n>` label; pass it to the server, e.g. `env: {GOMAXPROCS: \"{threads}\"}`, or remove `sweep.serverThreads`")
            }
        }
    }

    /// The placeholder that passes `server.<key>` to a `command` target.
    static func placeholder(forServerKey key: String) -> String {
        key == "threads" ? "threads" : "server." + key
    }

    /// A `command` argument or `env` value: a scalar whose placeholders are all known.
    func template(_ node: ProfileNode, _ field: String) throws(ProfileError) -> String {
        let text: String
        switch node.kind {
        case .scalar(let found): text = found
        case .mapping(let entries) where entries.count == 1 && entries[0].value.kind == .null:
            throw fail(node.origin, field, "`\(field)`: `{\(entries[0].key)}` without quotes is a YAML mapping; quote it: `\"{\(entries[0].key)}\"`")
        default:
            throw fail(node.origin, field, "`\(field)`: write a text value (quote it if it starts with `{`), got \(node.shownAs)")
        }
        switch TargetCommandTemplate.parse(text) {
        case .failure(let error):
            throw fail(node.origin, field, "`\(field)`: \(error.message), got `\(text)`")
        case .success(let pieces):
            for case .variable(let name) in pieces where !TargetCommandTemplate.variableNames.contains(name) {
                if let suggestion = FieldSuggestion.closest(to: name, among: TargetCommandTemplate.variableNames) {
                    throw fail(node.origin, field, "`\(field)`: unknown placeholder `{\(name)}`; did you mean `{\(suggestion)}`?")
                }
                let known = TargetCommandTemplate.variableNames.map { "`{\($0)}`" }.joined(separator: ", ")
                throw fail(node.origin, field, "`\(field)`: unknown placeholder `{\(name)}`; use one of \(known), or write `{{` for a literal `{`")
            }
            return text
        }
    }
}
