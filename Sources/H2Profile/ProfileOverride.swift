import Yams

/// One `--set path=value` override, applied to the profile's YAML before variants.
///
/// The path is dotted field names with optional list indexes: `duration`,
/// `client.streamWindow`, `mix[0].weight`, `mix[0].grpc.serverStream.size` (the kind keys
/// `grpc.serverStream`, `grpc.unary`, `grpc.call`, `http.get` and `http.request` count as one name). The value is read as
/// YAML, so `[1,2]` is a list and `{url: "h2c://h:1"}` a mapping. Missing mappings on the
/// way are created; whether the final field exists is checked by the profile decoder,
/// which names the override in its message.
struct ProfileOverride: Sendable {
    /// A step of the path.
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// The override as the user wrote it (`client.streamWindow=1MiB`).
    var text: String
    /// The path's steps.
    var steps: [Step]
    /// The parsed value, with origin `.override(text)`.
    var value: ProfileNode

    private static let dottedKeys: [String: Set<String>] = ["grpc": ["serverStream", "unary", "call"], "http": ["get", "request"]]

    /// Parses `path=value`; `file` is used for the error's location.
    init(_ text: String, file: String) throws(ProfileError) {
        self.text = text
        func fail(_ field: String, _ message: String) -> ProfileError {
            ProfileError(file: file, line: nil, field: field, message: "in `--set \(text)`: \(message)")
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw fail("", "write the override as `path=value`, for example `--set duration=3s`")
        }
        let path = String(text[..<equals]).trimmingSpaces()
        let valueText = String(text[text.index(after: equals)...])
        var steps: [Step] = []
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < parts.count {
            var part = parts[i]
            if let followers = Self.dottedKeys[part], i + 1 < parts.count {
                let next = parts[i + 1]
                let nextName = String(next.prefix(while: { $0 != "[" }))
                if followers.contains(nextName) {
                    part = part + "." + next
                    i += 1
                }
            }
            // name[1][2]
            let name = String(part.prefix(while: { $0 != "[" }))
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }) else {
                throw fail(path, "the path `\(path)` is not valid; write field names separated by dots, e.g. `client.streamWindow` or `mix[0].weight`")
            }
            steps.append(.key(name))
            var rest = part.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                    throw fail(path, "the path `\(path)` is not valid; write list indexes as `[0]`, e.g. `mix[0].weight`")
                }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            i += 1
        }
        guard !steps.isEmpty else {
            throw fail(path, "the path is empty; write `path=value`, for example `--set duration=3s`")
        }
        self.steps = steps
        let origin = ProfileNode.Origin.override(text)
        do {
            try YAMLBudget.check(valueText, file: file)
            if let node = try Yams.compose(yaml: valueText) {
                value = try ProfileNode(yams: node, origin: { _ in origin }, keyError: { _, message in fail(path, message) })
            } else {
                value = ProfileNode(kind: .null, origin: origin)
            }
        } catch let error as ProfileError {
            throw error
        } catch {
            throw fail(path, "the value `\(valueText)` is not valid YAML; quote it or write a plain value such as `3s`, `[1, 2]` or `{streamWindow: 64KiB}`")
        }
    }

    /// Applies the override to `root` (a mapping).
    func apply(to root: inout ProfileNode, file: String) throws(ProfileError) {
        try Self.set(&root, steps: steps[...], value: value, walked: "", override: self, file: file)
    }

    private static func set(
        _ node: inout ProfileNode, steps: ArraySlice<Step>, value: ProfileNode, walked: String,
        override: ProfileOverride, file: String
    ) throws(ProfileError) {
        guard let step = steps.first else {
            node = value
            return
        }
        let rest = steps.dropFirst()
        func fail(_ message: String) -> ProfileError {
            ProfileError(file: file, line: nil, field: walked, message: "in `--set \(override.text)`: \(message)")
        }
        switch step {
        case .key(let key):
            if case .sequence = node.kind {
                throw fail("`\(walked)` is a list; address an entry with an index, e.g. `\(walked)[0].\(key)`")
            }
            var entries = node.entries ?? []
            if node.entries == nil { node = ProfileNode(kind: .mapping([]), origin: .override(override.text)) }
            let path = walked.isEmpty ? key : walked + "." + key
            if let index = entries.firstIndex(where: { $0.key == key }) {
                try set(&entries[index].value, steps: rest, value: value, walked: path, override: override, file: file)
            } else {
                var child = ProfileNode(kind: .null, origin: .override(override.text))
                try set(&child, steps: rest, value: value, walked: path, override: override, file: file)
                entries.append(ProfileNode.Entry(key: key, keyOrigin: .override(override.text), value: child))
            }
            node.kind = .mapping(entries)
        case .index(let index):
            guard case .sequence(var items) = node.kind else {
                throw fail("`\(walked)` is not a list, so `[\(index)]` cannot be used; write `\(walked)=…` to replace it")
            }
            guard !items.isEmpty else {
                throw fail("`\(walked)` is empty; replace the whole list with `--set \(walked)=[…]`")
            }
            guard index < items.count else {
                throw fail("`\(walked)` has \(items.count) \(items.count == 1 ? "entry" : "entries"); use an index below \(items.count)")
            }
            try set(&items[index], steps: rest, value: value, walked: "\(walked)[\(index)]", override: override, file: file)
            node.kind = .sequence(items)
        }
    }
}
