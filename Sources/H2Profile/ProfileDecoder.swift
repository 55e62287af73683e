/// Walks a `ProfileNode` tree into a validated `Profile`, reporting the first mistake as a
/// `ProfileError` with the offending node's line and dotted field path.
///
/// Hand-written rather than `Codable` so that every error can carry a line, unknown keys
/// can be detected (with a did-you-mean suggestion), and messages can say what to write.
struct ProfileDecoder {
    /// The file name used in errors.
    var file: String
    /// The variant being decoded, named in messages; `nil` for the base profile.
    var variant: String?

    /// A decoded profile plus what the loader needs to expand the sweep.
    struct Decoded {
        var profile: Profile
        /// `sweep.threads` was written (otherwise it defaults to `[threads]`).
        var threadsGiven: Bool
        /// `sweep.serverThreads` was written (otherwise it defaults to `[server.threads]`).
        var serverThreadsGiven: Bool
        /// Each variant's override mapping (without `name`), in order.
        var variantOverlays: [ProfileNode]
        /// The `sweep` node, for errors about the sweep as a whole.
        var sweepOrigin: ProfileNode.Origin
    }

    static let topLevelKeys = [
        "name", "description", "target", "warmup", "duration", "connections", "streamsPerConnection",
        "mix", "client", "server", "threads", "seed", "totalStreams", "consumers", "faults", "rate", "sweep", "gate",
    ]
    static let clientKeys = [
        "streamWindow", "connectionWindow", "maxFrameSize", "headerTableSize", "stamp", "checksum",
        "deadline", "windowUpdate", "connectionWindowUpdate", "pendingMessageCredit", "connectTimeout", "keepalive",
        "sendGrpcTimeout",
    ]
    /// Where fields that are easy to put in the wrong place belong: field → section (`""` is
    /// the top level). Used when an unknown key has no close spelling in its own mapping.
    static let fieldHomes = [
        "deadline": "client", "windowUpdate": "client", "connectionWindowUpdate": "client",
        "pendingMessageCredit": "client", "connectTimeout": "client", "sendGrpcTimeout": "client",
        "keepalive": "client", "consumers": "", "faults": "", "rate": "",
    ]
    static let kindKeys = ["grpc.serverStream", "grpc.unary", "grpc.call", "http.get", "http.request"]

    static let maxTime = TimeSpan(nanoseconds: 3_600_000_000_000)
    static let threadRange = Profile.threadRange
    /// Longest profile or variant name: the results folder adds a 16-character timestamp, frame
    /// traces add the variant and ids, and file names stop at 255 bytes.
    static let maxNameLength = 100

    // MARK: Errors

    /// An error about `field` located at `origin`.
    func fail(_ origin: ProfileNode.Origin, _ field: String, _ message: String) -> ProfileError {
        var text = message
        if case .override(let override) = origin { text = "in `--set \(override)`: " + text }
        if let variant { text += " (in variant `\(variant)`)" }
        return ProfileError(file: file, line: origin.line, field: field, message: text)
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    // MARK: Mappings

    /// A mapping's fields, checked against the allowed keys.
    struct Fields {
        var node: ProfileNode
        var path: String
        var entries: [ProfileNode.Entry]

        /// The value of `key`; `nil` when absent or null.
        func value(_ key: String) -> ProfileNode? {
            guard let value = entries.first(where: { $0.key == key })?.value else { return nil }
            if case .null = value.kind { return nil }
            return value
        }

        func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

        func path(_ key: String) -> String { ProfileDecoder.join(path, key) }
    }

    /// Reads `node` as a mapping whose keys must all be in `allowed`.
    func fields(_ node: ProfileNode, _ path: String, allowed: [String]) throws(ProfileError) -> Fields {
        let entries: [ProfileNode.Entry]
        switch node.kind {
        case .mapping(let found): entries = found
        case .null: entries = []
        default:
            throw fail(node.origin, path, "`\(path)`: write a mapping (`key: value` lines or `{key: value}`), got \(node.shownAs)")
        }
        for entry in entries where !allowed.contains(entry.key) {
            let place = path.isEmpty ? "" : " in `\(path)`"
            let field = Self.join(path, entry.key)
            if let suggestion = FieldSuggestion.closest(to: entry.key, among: allowed) {
                throw fail(entry.keyOrigin, field, "unknown field `\(entry.key)`\(place); did you mean `\(suggestion)`?")
            }
            if let home = Self.fieldHomes[entry.key], home != path {
                let hint = home.isEmpty
                    ? "it is a top-level field; move it out of `\(path)`"
                    : "it belongs in `\(home)`, e.g. `\(home): {\(entry.key): \(entry.value.flowText)}`"
                throw fail(entry.keyOrigin, field, "unknown field `\(entry.key)`\(place); \(hint)")
            }
            let list = allowed.map { "`\($0)`" }.joined(separator: ", ")
            throw fail(entry.keyOrigin, field, "unknown field `\(entry.key)`\(place); remove it or use one of \(list)")
        }
        return Fields(node: node, path: path, entries: entries)
    }

    /// The value of a required field, or an error saying what to add.
    func require(_ fields: Fields, _ key: String, example: String) throws(ProfileError) -> ProfileNode {
        if let value = fields.value(key) { return value }
        let origin: ProfileNode.Origin = fields.path.isEmpty ? .none : fields.node.origin
        throw fail(origin, fields.path(key), "`\(fields.path(key))` is missing; add \(example)")
    }

    // MARK: Scalars

    func scalar(_ node: ProfileNode, _ field: String, expecting: String) throws(ProfileError) -> String {
        guard case .scalar(let text) = node.kind else {
            throw fail(node.origin, field, "`\(field)`: write \(expecting), got \(node.shownAs)")
        }
        return text
    }

    func string(_ node: ProfileNode, _ field: String) throws(ProfileError) -> String {
        try scalar(node, field, expecting: "a text value")
    }

    func bool(_ node: ProfileNode, _ field: String) throws(ProfileError) -> Bool {
        let text = try scalar(node, field, expecting: "`true` or `false`")
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw fail(node.origin, field, "`\(field)`: write `true` or `false`, got `\(text)`")
        }
    }

    func int(_ node: ProfileNode, _ field: String, _ range: ClosedRange<Int>) throws(ProfileError) -> Int {
        let text = try scalar(node, field, expecting: "a whole number")
        guard let value = Int(text.filter { $0 != "_" }) else {
            throw fail(node.origin, field, "`\(field)`: write a whole number, got `\(text)`")
        }
        guard range.contains(value) else {
            throw fail(node.origin, field, "`\(field)` must be \(Self.describe(range)), got \(value)")
        }
        return value
    }

    func uint64(_ node: ProfileNode, _ field: String) throws(ProfileError) -> UInt64 {
        let text = try scalar(node, field, expecting: "a whole number")
        guard let value = UInt64(text.filter { $0 != "_" }) else {
            throw fail(node.origin, field, "`\(field)`: write a whole number from 0 to \(UInt64.max), got `\(text)`")
        }
        return value
    }

    func bytes(_ node: ProfileNode, _ field: String, _ range: ClosedRange<Int>, note: String = "") throws(ProfileError) -> ByteCount {
        let text = try scalar(node, field, expecting: "a size like `64KiB`, `1MiB` or `100B`")
        switch ByteCount.parse(text) {
        case .failure(let failure):
            let hint = failure.hint.map { "; \($0)" } ?? ""
            throw fail(node.origin, field, "`\(field)`: write a size like `64KiB`, `1MiB` or `100B`, got `\(text)`\(hint)")
        case .success(let value):
            guard range.contains(value.bytes) else {
                let low = ByteCount(bytes: range.lowerBound), high = ByteCount(bytes: range.upperBound)
                throw fail(node.origin, field, "`\(field)` must be between \(low) and \(high)\(note), got \(value)")
            }
            return value
        }
    }

    func time(_ node: ProfileNode, _ field: String, positive: Bool) throws(ProfileError) -> TimeSpan {
        let text = try scalar(node, field, expecting: "a time like `10s` or `250ms`")
        switch TimeSpan.parse(text) {
        case .failure(let failure):
            let hint = failure.hint.map { "; \($0)" } ?? ""
            throw fail(node.origin, field, "`\(field)`: write a time like `10s` or `250ms`, got `\(text)`\(hint)")
        case .success(let value):
            if positive && value.nanoseconds == 0 {
                throw fail(node.origin, field, "`\(field)` must be longer than 0s, got `\(text)`; write a time like `10s`")
            }
            guard value <= Self.maxTime else {
                throw fail(node.origin, field, "`\(field)` must be at most 1h, got \(value); split long runs into repeats")
            }
            return value
        }
    }

    /// A list's items, or a lone scalar as a one-item list; nil for a mapping or nothing.
    func scalarOrList(_ node: ProfileNode) -> [ProfileNode]? {
        switch node.kind {
        case .sequence(let items): items
        case .scalar: [node]
        default: nil
        }
    }

    /// A list of distinct integers in `range`; a single number is read as a one-element list.
    func intList(_ node: ProfileNode, _ field: String, _ range: ClosedRange<Int>) throws(ProfileError) -> [Int] {
        guard let items = scalarOrList(node) else {
            throw fail(node.origin, field, "`\(field)`: write a list of numbers like `[1, 2, 4]`, got \(node.shownAs)")
        }
        guard !items.isEmpty else {
            throw fail(node.origin, field, "`\(field)` is empty; write at least one number, e.g. `[1]`, or remove the field")
        }
        var values: [Int] = []
        for (index, item) in items.enumerated() {
            let value = try int(item, "\(field)[\(index)]", range)
            if values.contains(value) {
                throw fail(item.origin, "\(field)[\(index)]", "`\(field)` lists \(value) twice; list each value once")
            }
            values.append(value)
        }
        return values
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "≥ \(range.lowerBound)" }
        return "between \(range.lowerBound) and \(range.upperBound)"
    }

    static func isSafeName(_ name: String) -> Bool {
        name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
