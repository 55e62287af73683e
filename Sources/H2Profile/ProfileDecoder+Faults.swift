import H2Wire

/// The `faults` list: `- {kind: rst, share: 0.1, after: 3, code: CANCEL}` (docs/faults.md).
extension ProfileDecoder {
    static let faultKeys = ["kind", "share", "after", "code", "pause", "last", "how"]
    /// HTTP/2 error codes by name (RFC 9113 §7), from the one table in H2Wire.
    static let http2ErrorCodes: [(String, UInt32)] = HTTP2ErrorCode.named.map { ($0.name, $0.code.rawValue) }
    /// gRPC status codes by name.
    static let grpcStatusCodes: [(String, UInt32)] = GRPCStatusName.all.map { ($0.name, UInt32($0.code)) }

    /// Decodes `faults`; shares add up to at most 1.
    func decodeFaults(_ node: ProfileNode, _ path: String) throws(ProfileError) -> [FaultSpec] {
        guard case .sequence(let items) = node.kind else {
            throw fail(node.origin, path, "`\(path)`: write a list of entries like `- {kind: rst, share: 0.1, after: 3, code: CANCEL}`, got \(node.shownAs)")
        }
        var faults: [FaultSpec] = []
        var total = 0.0
        var written: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let entry = try fields(item, itemPath, allowed: Self.faultKeys)
            let kindNode = try require(entry, "kind", example: "`kind:`, one of \(Self.faultKindList)")
            let kind = try choice(kindNode, entry.path("kind"), Fault.Kind.allCases)
            let shareNode = try require(entry, "share", example: "`share:` with the fraction of streams asking for this fault, e.g. `share: 0.1`")
            let share = try decodeShare(shareNode, entry.path("share"))
            total += share
            written.append(shareNode.scalarText ?? "\(share)")
            if total > 1 + Self.shareTolerance {
                throw fail(shareNode.origin, entry.path("share"), "the shares of `\(path)` add up to \(String(format: "%g", total)) (\(written.joined(separator: " + "))); lower them to a total of at most 1 (streams outside every share ask for no fault)")
            }
            var fault = Fault(kind: kind)
            try checkFaultFields(entry, kind)
            if let n = entry.value("after") { fault.after = try int(n, entry.path("after"), 0...100_000_000) }
            if let n = entry.value("code") { fault.code = try decodeFaultCode(n, entry.path("code"), kind) }
            if let n = entry.value("pause") {
                let pause = try time(n, entry.path("pause"), positive: false)
                fault.milliseconds = Int(pause.nanoseconds / 1_000_000)
            } else if kind == .stall || kind == .delay {
                _ = try require(entry, "pause", example: "`pause:` with how long the server waits, e.g. `pause: 2s`")
            }
            if let n = entry.value("last") { fault.last = try choice(n, entry.path("last"), Fault.LastStream.allCases) }
            if let n = entry.value("how") { fault.how = try choice(n, entry.path("how"), Fault.Corruption.allCases) }
            faults.append(FaultSpec(share: share, fault: fault))
        }
        return faults
    }

    static var faultKindList: String { Fault.Kind.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ") }

    /// Rejects parameters the kind does not use, naming the kinds that do.
    private func checkFaultFields(_ entry: Fields, _ kind: Fault.Kind) throws(ProfileError) {
        let users: [String: [Fault.Kind]] = [
            "after": [.rst, .goaway, .close, .tcpReset, .truncate, .cut, .noTrailers, .status, .corrupt, .stall],
            "code": [.rst, .goaway, .status],
            "pause": [.stall, .delay],
            "last": [.goaway],
            "how": [.corrupt],
        ]
        for e in entry.entries {
            guard let kinds = users[e.key], !kinds.contains(kind) else { continue }
            let list = kinds.map { "`\($0.rawValue)`" }.joined(separator: ", ")
            throw fail(e.keyOrigin, entry.path(e.key), "`\(entry.path(e.key))` does not apply to `kind: \(kind.rawValue)`; it is used by \(list); remove it")
        }
    }

    /// A code written as a number, or as a name of `table` in any case.
    static func code(_ text: String, in table: [(String, UInt32)]) -> UInt32? {
        UInt32(text) ?? table.first { $0.0 == text.uppercased() }?.1
    }

    /// "; did you mean `NAME`?" for a name close to one of `table`'s, else "".
    static func codeHint(_ text: String, in table: [(String, UInt32)]) -> String {
        FieldSuggestion.closest(to: text.uppercased(), among: table.map(\.0)).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// An HTTP/2 error code (`rst`, `goaway`) or gRPC status (`status`), by name or number.
    private func decodeFaultCode(_ node: ProfileNode, _ field: String, _ kind: Fault.Kind) throws(ProfileError) -> UInt32 {
        let grpc = kind == .status
        let table = grpc ? Self.grpcStatusCodes : Self.http2ErrorCodes
        let what = grpc ? "a gRPC status such as `UNAVAILABLE` or `14`" : "an HTTP/2 error code such as `CANCEL` or `8`"
        let text = try scalar(node, field, expecting: what)
        guard let value = Self.code(text, in: table) else {
            throw fail(node.origin, field, "`\(field)`: write \(what), got `\(text)`\(Self.codeHint(text, in: table))")
        }
        if grpc {
            guard value > 0 && value <= 16 else {
                let zero = value == 0 ? " (status 0 is OK: use `kind: truncate` for an early OK end)" : ""
                throw fail(node.origin, field, "`\(field)` must be a non-OK gRPC status from 1 to 16, got `\(text)`\(zero)")
            }
        } else if value > UInt32(Int32.max) {
            throw fail(node.origin, field, "`\(field)`: `\(text)` is too large for an HTTP/2 error code")
        }
        return value
    }
}
