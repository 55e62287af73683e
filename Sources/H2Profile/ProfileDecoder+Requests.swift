import Foundation
import H2Wire

/// The generic kinds: `http.request` (any HTTP/2 request) and `grpc.call` (any unary or
/// server-streaming gRPC method), with their bodies, headers and expectations.
extension ProfileDecoder {
    static let httpRequestKeys = ["method", "path", "headers", "body", "expect"]
    static let grpcCallKeys = ["method", "request", "metadata", "expect"]
    /// Headers a request cannot carry, and why: HTTP/2 forbids the connection-specific ones
    /// (RFC 9113 §8.2.2); `host` is the `:authority` h2stress sends.
    static let reservedHeaders: [String: String] = [
        "connection": "HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2)",
        "keep-alive": "HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2)",
        "proxy-connection": "HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2)",
        "transfer-encoding": "HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2)",
        "upgrade": "HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2)",
        "host": "h2stress sends the target's host and port as `:authority`",
    ]
    /// Metadata h2stress writes for every gRPC call.
    static let reservedMetadata: [String: String] = [
        "content-type": "h2stress sends `application/grpc`",
        "te": "h2stress sends `te: trailers`",
        "grpc-timeout": "h2stress sends it from `client.deadline`",
        "content-length": "h2stress frames the request messages itself",
    ]

    func decodeHTTPRequest(_ node: ProfileNode, _ path: String) throws(ProfileError) -> HTTPRequestSpec {
        let spec = try fields(node, path, allowed: Self.httpRequestKeys)
        var method = "GET"
        if let value = spec.value("method") {
            let text = try string(value, spec.path("method"))
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }) else {
                throw fail(value.origin, spec.path("method"), "`\(spec.path("method"))`: write an HTTP method such as `GET`, `POST` or `PUT`, got `\(text)`")
            }
            method = text.uppercased()
        }
        let pathNode = try require(spec, "path", example: "`path:` with the request path, e.g. `path: /api/items`")
        let requestPath = try requestPath(pathNode, spec.path("path"), example: "`/api/items?id=1`")
        let headers = try headerFields(spec.value("headers"), spec.path("headers"), reserved: Self.reservedHeaders)
        let body = try spec.value("body").map { (node) throws(ProfileError) in try requestBody(node, spec.path("body"), grpc: false) }
        var result = HTTPRequestSpec(method: method, path: requestPath, headers: headers, body: body)
        if let expectNode = spec.value("expect") {
            let expect = try fields(expectNode, spec.path("expect"), allowed: ["status", "size"])
            if let status = expect.value("status") { result.expectStatus = try statusSet(status, expect.path("status")) }
            if let size = expect.value("size"), size.scalarText != "any" {
                result.expectSize = try bytes(size, expect.path("size"), 0...(16 << 30), note: " (or `any`)")
            }
        }
        return result
    }

    func decodeGRPCCall(_ node: ProfileNode, _ path: String) throws(ProfileError) -> GRPCCallSpec {
        let spec = try fields(node, path, allowed: Self.grpcCallKeys)
        let methodNode = try require(spec, "method", example: "`method:` with the full method path, e.g. `method: /helloworld.Greeter/SayHello`")
        let method = try requestPath(methodNode, spec.path("method"), example: "`/helloworld.Greeter/SayHello`")
        let parts = method.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty, !method.contains("?") else {
            throw fail(methodNode.origin, spec.path("method"), "`\(spec.path("method"))`: write `/package.Service/Method`, e.g. `/helloworld.Greeter/SayHello`, got `\(method)`")
        }
        var request: [RequestBody] = [RequestBody(source: .size(ByteCount(bytes: 0)), bytes: [])]
        if let requestNode = spec.value("request") {
            let field = spec.path("request")
            if case .sequence(let items) = requestNode.kind {
                guard !items.isEmpty else {
                    throw fail(requestNode.origin, field, "`\(field)` is empty; give at least one message, e.g. `{file: request.bin}`, or remove it to send one empty message")
                }
                request = []
                for (index, item) in items.enumerated() { request.append(try requestBody(item, "\(field)[\(index)]", grpc: true)) }
            } else {
                request = [try requestBody(requestNode, field, grpc: true)]
            }
        }
        let metadata = try headerFields(spec.value("metadata"), spec.path("metadata"),
                                       reserved: Self.reservedHeaders.merging(Self.reservedMetadata) { first, _ in first })
        var result = GRPCCallSpec(method: method, request: request, metadata: metadata)
        if let expectNode = spec.value("expect") {
            let expect = try fields(expectNode, spec.path("expect"), allowed: ["status", "messages", "messageSize"])
            if let status = expect.value("status") { result.expectStatus = try grpcStatuses(status, expect.path("status")) }
            if let n = expect.value("messages"), n.scalarText != "any" {
                result.expectMessages = try int(n, expect.path("messages"), 0...10_000_000)
            }
            if let size = expect.value("messageSize"), size.scalarText != "any" {
                result.expectMessageSize = try bytes(size, expect.path("messageSize"), 0...RequestBody.maxBytes, note: " (or `any`)")
            }
        }
        return result
    }

    /// An absolute request path without spaces or control characters.
    private func requestPath(_ node: ProfileNode, _ field: String, example: String) throws(ProfileError) -> String {
        let text = try string(node, field)
        guard text.hasPrefix("/"), !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw fail(node.origin, field, "`\(field)`: write an absolute path starting with `/` and without spaces, e.g. \(example), got `\(text)`")
        }
        return text
    }

    /// `{name: value, …}`: names become lowercase; pseudo-headers and `reserved` are refused.
    private func headerFields(_ node: ProfileNode?, _ field: String, reserved: [String: String]) throws(ProfileError) -> [HeaderField] {
        guard let node else { return [] }
        let map = try fields(node, field, allowed: (node.entries ?? []).map(\.key))
        var result: [HeaderField] = []
        for entry in map.entries {
            let name = entry.key.lowercased()
            let entryField = map.path(entry.key)
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw fail(entry.keyOrigin, entryField, "`\(entryField)`: `\(entry.key)` is not a valid header name; use letters, digits and `-` (pseudo-headers such as `:authority` are set by h2stress)")
            }
            if let reason = reserved[name] {
                throw fail(entry.keyOrigin, entryField, "`\(entryField)`: remove `\(name)`; \(reason)")
            }
            let value: String
            switch entry.value.kind {
            case .scalar(let text): value = text
            case .null: value = ""
            default: throw fail(entry.value.origin, entryField, "`\(entryField)`: write the header's value as text, got \(entry.value.shownAs)")
            }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                throw fail(entry.value.origin, entryField, "`\(entryField)`: a header value cannot hold line breaks or control characters")
            }
            result.append(HeaderField(name: name, value: value))
        }
        return result
    }

    /// RFC 9110 token characters, lowercase letters only (names were lowercased).
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
             UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "^"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// A size, `{text: …}`, `{base64: …}` or `{file: F}`. For gRPC a size is a valid protobuf
    /// message of exactly that many bytes (``OpaqueMessage/filler(length:)``).
    private func requestBody(_ node: ProfileNode, _ field: String, grpc: Bool) throws(ProfileError) -> RequestBody {
        let forms = "a size like `1KiB`, `{text: \"…\"}`, `{base64: …}` or `{file: request.bin}`"
        if case .scalar = node.kind {
            let size = try bytes(node, field, 0...RequestBody.maxBytes)
            if grpc {
                guard let message = OpaqueMessage.filler(length: size.bytes) else {
                    throw fail(node.origin, field, "`\(field)`: a generated request message is 0 or at least \(OpaqueMessage.minimumFillerLength) bytes long (one unknown field), got \(size); give a size of 0 or ≥ \(OpaqueMessage.minimumFillerLength)B, or the message itself with `{file: …}`")
                }
                return RequestBody(source: .size(size), bytes: message)
            }
            return RequestBody(source: .size(size), bytes: [UInt8](repeating: RequestBody.filler, count: size.bytes))
        }
        let form = try fields(node, field, allowed: ["text", "base64", "file"])
        guard form.entries.count == 1, let entry = form.entries.first else {
            let given = form.entries.isEmpty ? "nothing" : form.entries.map { "`\($0.key)`" }.joined(separator: " and ")
            throw fail(node.origin, field, "`\(field)`: write \(forms): one of them, got \(given)")
        }
        let valueField = form.path(entry.key)
        let text = try string(entry.value, valueField)
        let body: RequestBody
        switch entry.key {
        case "text":
            body = RequestBody(source: .text(text), bytes: Array(text.utf8))
        case "base64":
            let compact = text.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw fail(entry.value.origin, valueField, "`\(valueField)` is not valid base64; produce it with `base64 -w0 request.bin`")
            }
            body = RequestBody(source: .base64(compact), bytes: [UInt8](data))
        default:
            body = try fileBody(text, entry.value.origin, valueField)
        }
        guard body.bytes.count <= RequestBody.maxBytes else {
            throw fail(entry.value.origin, valueField, "`\(valueField)` is \(body.bytes.count) bytes; keep a request body at 64MiB or less")
        }
        return body
    }

    /// Reads `written` (relative to the profile's folder) once, refusing anything but a
    /// regular file of at most 64 MiB, so that `/dev/zero` or a directory cannot hang the load.
    private func fileBody(_ written: String, _ origin: ProfileNode.Origin, _ field: String) throws(ProfileError) -> RequestBody {
        guard !written.isEmpty else {
            throw fail(origin, field, "`\(field)` is empty; give a file path, e.g. `request.bin`")
        }
        let base = (file as NSString).deletingLastPathComponent
        let resolved = written.hasPrefix("/") || base.isEmpty ? written : base + "/" + written
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            throw fail(origin, field, "`\(field)`: cannot open `\(resolved)` (\(String(cString: strerror(errno)))); paths are relative to the profile's folder")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw fail(origin, field, "`\(field)`: `\(resolved)` is not a regular file; give a file holding the request bytes")
        }
        guard Int(info.st_size) <= RequestBody.maxBytes else {
            throw fail(origin, field, "`\(field)`: `\(resolved)` is \(info.st_size) bytes; keep a request body at 64MiB or less")
        }
        guard let handle = FileHandle(forReadingAtPath: resolved),
              let data = try? handle.read(upToCount: RequestBody.maxBytes + 1) ?? Data() else {
            throw fail(origin, field, "`\(field)`: cannot read `\(resolved)`; check its permissions")
        }
        try? handle.close()
        guard data.count <= RequestBody.maxBytes else {
            throw fail(origin, field, "`\(field)`: `\(resolved)` is larger than 64MiB; keep a request body at 64MiB or less")
        }
        return RequestBody(source: .file(written: written, resolved: resolved), bytes: [UInt8](data))
    }

    /// HTTP statuses: `200`, `2xx`, `200-299`, or a list of those.
    private func statusSet(_ node: ProfileNode, _ field: String) throws(ProfileError) -> StatusSet {
        guard let items = scalarOrList(node), !items.isEmpty else {
            throw fail(node.origin, field, "`\(field)`: write a status such as `200`, `2xx`, `200-299` or a list like `[200, 204]`, got \(node.shownAs)")
        }
        var ranges: [ClosedRange<Int>] = []
        for (index, item) in items.enumerated() {
            let itemField = node.scalarText != nil ? field : "\(field)[\(index)]"
            guard let text = item.scalarText, let range = StatusSet.range(text) else {
                throw fail(item.origin, itemField, "`\(itemField)`: write a status from 100 to 599 such as `200`, a class such as `2xx`, or a range such as `200-299`, got \(item.shownAs)")
            }
            ranges.append(range)
        }
        return StatusSet(ranges)
    }

    /// gRPC statuses by name or number (`OK`, `NOT_FOUND`, `5`), or a list of those.
    private func grpcStatuses(_ node: ProfileNode, _ field: String) throws(ProfileError) -> [Int] {
        guard let items = scalarOrList(node), !items.isEmpty else {
            throw fail(node.origin, field, "`\(field)`: write a gRPC status such as `OK`, `NOT_FOUND` or `5`, or a list of them, got \(node.shownAs)")
        }
        var codes: [Int] = []
        for (index, item) in items.enumerated() {
            let itemField = node.scalarText != nil ? field : "\(field)[\(index)]"
            let text = item.scalarText ?? ""
            guard let code = Self.code(text, in: Self.grpcStatusCodes), code <= 16 else {
                throw fail(item.origin, itemField, "`\(itemField)`: write a gRPC status from 0 to 16 or its name such as `OK` or `NOT_FOUND`, got \(item.shownAs)\(Self.codeHint(text, in: Self.grpcStatusCodes))")
            }
            codes.append(Int(code))
        }
        return codes
    }
}
