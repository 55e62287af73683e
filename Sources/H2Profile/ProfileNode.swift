import Yams

/// The profile's YAML as a small value tree that remembers where each node came from.
///
/// Yams' `Node` is converted once into this `Sendable` tree so that overrides and variants
/// can be merged as plain values while every node keeps its origin: a line of the file, or
/// the `--set` override that produced it. Errors are reported against that origin.
///
/// Invariants: mapping keys are unique strings (Yams rejects duplicates); `null` stands for
/// an absent value (`~`, `null` or nothing).
struct ProfileNode: Sendable, Equatable {
    /// Where a node came from.
    enum Origin: Sendable, Equatable {
        /// Line (1-based) of the profile file.
        case file(line: Int)
        /// A `--set path=value` override, holding its text.
        case override(String)
        /// Created while merging, with no place of its own.
        case none

        /// The file line, when the node is from the file.
        var line: Int? {
            if case .file(let line) = self { return line }
            return nil
        }
    }

    /// One `key: value` pair of a mapping.
    struct Entry: Sendable, Equatable {
        var key: String
        var keyOrigin: Origin
        var value: ProfileNode
    }

    /// The node's shape and content.
    enum Kind: Sendable, Equatable {
        case null
        case scalar(String)
        case sequence([ProfileNode])
        case mapping([Entry])
    }

    var kind: Kind
    var origin: Origin

    /// An empty mapping with no origin.
    static let emptyMapping = ProfileNode(kind: .mapping([]), origin: .none)

    var entries: [Entry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// The value for `key` in a mapping, if present.
    subscript(key: String) -> ProfileNode? {
        entries?.first(where: { $0.key == key })?.value
    }

    /// How the node looks, for "got …" in messages: `` `ten` ``, "a list", "a mapping", "nothing".
    var shownAs: String {
        switch kind {
        case .null: "nothing"
        case .scalar(let text): "`\(text)`"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

// MARK: - From Yams

extension ProfileNode {
    /// Converts a composed Yams node, giving every node the origin `makeOrigin(line)`.
    init(yams node: Yams.Node, origin makeOrigin: (Int?) -> Origin, keyError: (Int?, String) -> ProfileError) throws(ProfileError) {
        let origin = makeOrigin(node.mark?.line)
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any, node.null != nil {
                self.init(kind: .null, origin: origin)
            } else {
                self.init(kind: .scalar(scalar.string), origin: origin)
            }
        case .sequence(let sequence):
            var items: [ProfileNode] = []
            for item in sequence {
                items.append(try ProfileNode(yams: item, origin: makeOrigin, keyError: keyError))
            }
            self.init(kind: .sequence(items), origin: origin)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw keyError(key.mark?.line, "write mapping keys as plain names such as `duration`, not a list or a mapping")
                }
                entries.append(Entry(
                    key: keyScalar.string, keyOrigin: makeOrigin(key.mark?.line),
                    value: try ProfileNode(yams: value, origin: makeOrigin, keyError: keyError)))
            }
            self.init(kind: .mapping(entries), origin: origin)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one reads as absent.
            self.init(kind: .null, origin: origin)
        }
    }
}

// MARK: - Merging

extension ProfileNode {
    /// `overlay` deep-merged over `self`: mappings merge key by key (recursively), anything
    /// else in `overlay` replaces the base value. Key order: base keys first, then new keys.
    func merging(_ overlay: ProfileNode) -> ProfileNode {
        guard case .mapping(var base) = kind, case .mapping(let over) = overlay.kind else { return overlay }
        for entry in over {
            if let index = base.firstIndex(where: { $0.key == entry.key }) {
                base[index].value = base[index].value.merging(entry.value)
            } else {
                base.append(entry)
            }
        }
        return ProfileNode(kind: .mapping(base), origin: origin)
    }

    /// The mapping without `key`.
    func removing(_ key: String) -> ProfileNode {
        guard case .mapping(let entries) = kind else { return self }
        return ProfileNode(kind: .mapping(entries.filter { $0.key != key }), origin: origin)
    }
}

// MARK: - Re-serialization

extension ProfileNode {
    /// The node as one line of flow-style YAML, e.g. `{client: {streamWindow: 64KiB}}`.
    var flowText: String {
        switch kind {
        case .null: return "~"
        case .scalar(let text): return Self.flowScalar(text)
        case .sequence(let items): return "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\(Self.flowScalar($0.key)): \($0.value.flowText)" }.joined(separator: ", ") + "}"
        }
    }

    private static func flowScalar(_ text: String) -> String {
        let plainSafe = !text.isEmpty && text.allSatisfy { c in
            c.isLetter || c.isNumber || c == "." || c == "-" || c == "_" || c == "/" || c == "+"
        } && !["~", "null", "Null", "NULL"].contains(text) && text.first != "-"
        if plainSafe { return text }
        var quoted = "\""
        for c in text {
            switch c {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.append(c)
            }
        }
        return quoted + "\""
    }
}
