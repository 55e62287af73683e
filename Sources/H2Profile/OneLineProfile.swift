import Foundation

/// The profile behind `h2stress run --url …` (the h2load and ghz habits: `-c`, `-m`, `-d`,
/// `-n`, `-w`, `-W`, `--method`, `--data`, `--header`, `--grpc`), written as YAML text.
///
/// The text is loaded by ``ProfileLoader/parse(yaml:file:overrides:)`` exactly as a profile
/// file would be, and `--print-profile` prints it, so what runs is what the user can keep and
/// grow into variants. Values from the command line are written as double-quoted scalars.
public struct OneLineProfile: Sendable {
    /// `h2c://host:port/path` or `https://host:port/path`.
    public var url: String
    public var connections: Int?
    public var streamsPerConnection: Int?
    /// `-d`, as written (`10s`); default 10s, or 1h as a bound when only `-n` is given.
    public var duration: String?
    /// `-t`: driver threads, one count (`threads`) or a list to sweep (`sweep.threads`).
    public var threads: String?
    /// `-n`: total measured streams (`totalStreams`).
    public var requests: Int?
    /// `-w` / `-W`: a size (`1MiB`) or, as in h2load, a bit count 0…30 (window 2^n − 1).
    public var streamWindow: String?
    public var connectionWindow: String?
    /// `--method`: the HTTP method (default `GET`, or `POST` with `--data`).
    public var method: String?
    /// `--data`: a file holding the request body, or the serialized request message with `--grpc`.
    public var dataFile: String?
    /// `--header name:value`, repeatable: request headers, or metadata with `--grpc`.
    public var headers: [String] = []
    /// `--grpc /pkg.Service/Method`: a `grpc.call` instead of an `http.request`.
    public var grpcMethod: String?
    /// `--insecure`: skip TLS certificate verification (https only).
    public var insecure = false
    /// `--expect-status`: HTTP statuses (`200`, `2xx`, `200,204`) or gRPC statuses (`OK`, `NOT_FOUND`).
    public var expectStatus: String?
    /// `--expect-size`: the exact response body size (HTTP) or each message's size (gRPC).
    public var expectSize: String?
    /// `--expect-messages`: the exact number of response messages (gRPC).
    public var expectMessages: Int?
    /// The command line, written as a comment at the top.
    public var commandLine: String = ""

    /// The file name errors name: the profile exists only on the command line.
    public static let fileName = "--url"

    public init(url: String) { self.url = url }

    /// The profile as YAML. Throws for what only the command line can get wrong (the URL's
    /// shape, a `--header` without `:`, a missing `--data` file); the rest is checked when the
    /// text is loaded, with the field named.
    public func yaml() throws(ProfileError) -> String {
        let (target, path) = try splitURL()
        var lines: [String] = []
        if !commandLine.isEmpty { lines.append("# \(commandLine)") }
        lines.append("name: url")
        if insecure {
            lines.append("target: {url: \(Self.quoted(target)), insecure: true}")
        } else {
            lines.append("target: {url: \(Self.quoted(target))}")
        }
        lines.append("warmup: 0s")
        lines.append("duration: \(Self.quoted(duration ?? (requests != nil ? "1h" : "10s")))")
        lines.append("connections: \(connections ?? 1)")
        lines.append("streamsPerConnection: \(streamsPerConnection ?? 1)")
        if let requests { lines.append("totalStreams: \(requests)") }
        if let threads {
            let list = threads.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !list.isEmpty, list.allSatisfy({ Int($0) != nil }) else {
                throw fail("--threads", "write a thread count such as `2`, or a list to sweep such as `1,2,4`, got `\(threads)`")
            }
            lines.append(list.count == 1 ? "threads: \(list[0])" : "sweep: {threads: [\(list.joined(separator: ", "))]}")
        }
        lines.append("mix:")
        let headerPairs = try parsedHeaders()
        let data = try dataFile.map { (file) throws(ProfileError) in try Self.absolute(file) }
        if let grpcMethod {
            let parts = grpcMethod.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else {
                throw fail("--grpc", "write the full method path `/package.Service/Method`, e.g. `/helloworld.Greeter/SayHello`, got `\(grpcMethod)`")
            }
            guard path == "/" else {
                throw fail("--url", "with `--grpc`, give the server only (`\(target)`); the method path comes from `--grpc \(grpcMethod)`, not from the URL's `\(path)`")
            }
            if let method, method.uppercased() != "POST" {
                throw fail("--method", "gRPC calls are POST requests; remove `--method \(method)`")
            }
            lines.append("  - grpc.call:")
            lines.append("      method: \(Self.quoted(grpcMethod))")
            if let data { lines.append("      request: {file: \(Self.quoted(data))}") }
            lines += Self.mapping("metadata", headerPairs)
            var expect: [String] = []
            if let expectStatus { expect.append("status: \(Self.list(expectStatus))") }
            if let expectMessages { expect.append("messages: \(expectMessages)") }
            if let expectSize { expect.append("messageSize: \(Self.quoted(expectSize))") }
            if !expect.isEmpty { lines.append("      expect: {\(expect.joined(separator: ", "))}") }
        } else {
            if expectMessages != nil {
                throw fail("--expect-messages", "`--expect-messages` counts gRPC messages; use it with `--grpc`, or `--expect-size` for an HTTP body")
            }
            lines.append("  - http.request:")
            lines.append("      method: \(Self.quoted(method ?? (data == nil ? "GET" : "POST")))")
            lines.append("      path: \(Self.quoted(path))")
            lines += Self.mapping("headers", headerPairs)
            if let data { lines.append("      body: {file: \(Self.quoted(data))}") }
            var expect: [String] = []
            if let expectStatus { expect.append("status: \(Self.list(expectStatus))") }
            if let expectSize { expect.append("size: \(Self.quoted(expectSize))") }
            if !expect.isEmpty { lines.append("      expect: {\(expect.joined(separator: ", "))}") }
        }
        var client: [String] = []
        if let streamWindow { client.append("streamWindow: \(Self.quoted(Self.window(streamWindow)))") }
        if let connectionWindow { client.append("connectionWindow: \(Self.quoted(Self.window(connectionWindow)))") }
        if !client.isEmpty { lines.append("client: {\(client.joined(separator: ", "))}") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `h2c://host:port` and the path (`/` when the URL has none).
    func splitURL() throws(ProfileError) -> (target: String, path: String) {
        guard let schemeEnd = url.range(of: "://") else {
            throw fail("--url", "write a URL like `h2c://127.0.0.1:8080/path` or `https://host:443/path`, got `\(url)`")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "h2c" || scheme == "https" else {
            let hint = scheme == "http" ? "`h2c://` (cleartext HTTP/2 with prior knowledge) instead of `http://`" : "`h2c://` or `https://`"
            throw fail("--url", "write \(hint), got `\(url)`")
        }
        let rest = url[schemeEnd.upperBound...]
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var path = String(rest[slash...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        if insecure && scheme != "https" {
            throw fail("--insecure", "`--insecure` skips TLS verification; `\(url)` is cleartext, remove it")
        }
        return (scheme + "://" + rest[..<slash], path)
    }

    private func parsedHeaders() throws(ProfileError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for header in headers {
            guard let colon = header.dropFirst().firstIndex(of: ":") else {
                throw fail("--header", "write `--header name:value`, got `\(header)`")
            }
            let name = header[..<colon].trimmingCharacters(in: .whitespaces)
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            pairs.append((name, value))
        }
        return pairs
    }

    private func fail(_ field: String, _ message: String) -> ProfileError {
        ProfileError(file: Self.fileName, line: nil, field: field, message: "`\(field)`: " + message)
    }

    /// The file's absolute path (the profile text may be kept and run from elsewhere).
    static func absolute(_ file: String) throws(ProfileError) -> String {
        let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            throw ProfileError(file: fileName, line: nil, field: "--data", message: "`--data`: `\(file)` does not exist; give the file holding the request body (with `--grpc`: the serialized request message)")
        }
        return (path as NSString).standardizingPath
    }

    /// h2load's `-w 30` (2^30 − 1) for a bare bit count 0…30; anything else as written.
    static func window(_ text: String) -> String {
        guard let bits = Int(text), (0...30).contains(bits) else { return text }
        return "\((1 << bits) - 1)"
    }

    /// `headers:` / `metadata:` lines.
    static func mapping(_ key: String, _ pairs: [(String, String)]) -> [String] {
        guard !pairs.isEmpty else { return [] }
        return ["      \(key):"] + pairs.map { "        \(quoted($0.0)): \(quoted($0.1))" }
    }

    /// `200,204` → `["200", "204"]`; one item stays a scalar.
    static func list(_ text: String) -> String {
        let items = text.split(separator: ",").map { quoted($0.trimmingCharacters(in: .whitespaces)) }
        return items.count == 1 ? items[0] : "[" + items.joined(separator: ", ") + "]"
    }

    /// A double-quoted YAML scalar (JSON string syntax, which YAML reads the same); also what
    /// tests use to write profiles around paths and commands, and what `h2stress k8s` writes
    /// its manifests' strings with. Everything YAML would not read back verbatim is escaped:
    /// control characters, the C1 range (U+0085 is a YAML line break), U+2028, U+2029 and a BOM.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if isUnprintable(scalar) {
                    out += String(format: scalar.value <= 0xFF ? "\\x%02X" : "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Whether YAML would not keep `scalar` verbatim in a scalar, so that ``quoted(_:)`` escapes
    /// it: control characters other than line feed and tab, the C1 range (U+0085 is a YAML
    /// line break), U+2028, U+2029, a BOM, U+FFFE and U+FFFF.
    package static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if scalar == "\n" || scalar == "\t" { return false }
        return value < 0x20 || (0x7F...0x9F).contains(value) || [0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF].contains(value)
    }
}
