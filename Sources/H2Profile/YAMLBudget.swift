import Yams

/// Limits on a YAML text before it is composed: profiles, `--set` values and gate-rule files
/// come from pull requests and users, so no text may cost more than a bounded amount of time
/// and memory to refuse.
///
/// Three checks, each an exit-64 ``ProfileError`` that names the line and the fix:
/// - **size**: at most ``maxBytes``;
/// - **nesting**: an upper bound on how deep the document nests (flow brackets, indentation,
///   compact `- - -` sequences) of at most ``maxDepth``: the composer recurses once per level;
/// - **alias expansion**: the nodes the document stands for once every alias is replaced by
///   what it names, at most ``maxNodes`` ("billion laughs": nine levels of ten aliases is 1 KB
///   of text and 10⁹ nodes). Yams shares aliased nodes while composing, but anything that walks
///   the tree — hashing a mapping key, converting to ``ProfileNode`` — walks the expansion.
///
/// The expansion is measured without expanding: every alias token is replaced by a placeholder
/// scalar, the placeholder document is composed (anchors stay, so each anchored node is found by
/// its start mark, which libyaml puts on the anchor), and each anchor's size is counted once. The
/// token scan is deliberately liberal (it may take a `*x` inside a quoted string or comment for an
/// alias); a false match only changes scalar text in the throw-away placeholder document.
enum YAMLBudget {
    /// Largest text accepted (1 MiB; shipped profiles are under 4 KiB).
    static let maxBytes = 1 << 20
    /// Deepest nesting accepted (an upper-bound estimate; real profiles nest under 10).
    static let maxDepth = 64
    /// Most nodes a document may stand for with its aliases expanded.
    static let maxNodes = 100_000

    /// Checks `yaml` against the three limits; `file` names it in errors.
    static func check(_ yaml: String, file: String) throws(ProfileError) {
        let bytes = yaml.utf8.count
        guard bytes <= maxBytes else { throw oversize(bytes: bytes, file: file) }
        let scan = Scan(yaml)
        if let deep = scan.deepLine {
            throw ProfileError(file: file, line: deep, field: "",
                               message: "the YAML nests deeper than \(maxDepth) levels here; write the profile with fewer nested lists and mappings")
        }
        guard !scan.aliases.isEmpty else { return }
        try checkExpansion(scan, file: file)
    }

    /// The error for a text or file of `bytes` bytes, over ``maxBytes``.
    static func oversize(bytes: Int, file: String) -> ProfileError {
        ProfileError(file: file, line: nil, field: "",
                     message: "the file is \(bytes) bytes; a profile may be at most \(maxBytes / 1024) KiB — is this the right file?")
    }

    // MARK: Expansion

    /// Composes the placeholder document and counts the expanded nodes.
    private static func checkExpansion(_ scan: Scan, file: String) throws(ProfileError) {
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: scan.placeholderText)
        } catch {
            // The real compose reports the syntax error (aliases are gone, so it cannot blow up
            // on them... unless the text is invalid anyway; then it stops at the error).
            throw ProfileError(file: file, line: scan.aliases.first?.line, field: "",
                               message: "the file uses YAML aliases (`*name`) in a way h2stress cannot check; write the values out instead of using anchors and aliases")
        }
        guard let root else { return }
        var counter = Counter(scan: scan)
        counter.count(root)
        if let line = counter.overLine {
            throw ProfileError(file: file, line: line, field: "",
                               message: "the YAML anchors and aliases expand to more than \(maxNodes) nodes (an alias bomb?); write the values out, or use fewer nested aliases")
        }
    }

    /// Counts nodes with aliases expanded, stopping once over budget.
    private struct Counter {
        let scan: Scan
        /// Expanded size of each anchor defined so far, by name (a later anchor of the same
        /// name replaces it, as in YAML).
        var anchorSize: [String: Int] = [:]
        var total = 0
        /// Line of the node at which the budget ran out.
        var overLine: Int?

        init(scan: Scan) { self.scan = scan }

        /// Sizes saturate here, so that 64 levels of doubling cannot overflow.
        static let cap = YAMLBudget.maxNodes + 1

        /// Adds `node`'s expanded size to ``total``; returns that size (saturating at ``cap``).
        @discardableResult
        mutating func count(_ node: Yams.Node) -> Int {
            if overLine != nil { return 0 }
            var size = 1
            var own = 1
            switch node {
            case .scalar(let scalar):
                if let name = scan.aliasName(placeholder: scalar.string) {
                    size = anchorSize[name] ?? 1
                    own = size
                }
            case .sequence(let sequence):
                for item in sequence { size = min(size + count(item), Self.cap) }
            case .mapping(let mapping):
                for (key, value) in mapping { size = min(size + count(key) + count(value), Self.cap) }
            case .alias:
                break
            }
            if let mark = node.mark, let name = scan.anchors[Position(line: mark.line, column: mark.column)] {
                anchorSize[name] = size
            }
            total = min(total + own, Self.cap)
            if total > YAMLBudget.maxNodes, overLine == nil {
                overLine = node.mark?.line
            }
            return size
        }
    }

    // MARK: Token scan

    /// A 1-based line and column (in Unicode scalars, as libyaml counts).
    struct Position: Hashable {
        var line: Int
        var column: Int
    }

    /// One pass over the text: alias and anchor tokens, the nesting estimate, and the
    /// placeholder document.
    struct Scan {
        /// Every alias token, in order.
        var aliases: [(name: String, line: Int)] = []
        /// Anchor names by the position of their `&`.
        var anchors: [Position: String] = [:]
        /// The first line whose nesting estimate is over ``YAMLBudget/maxDepth``.
        var deepLine: Int?
        /// The text with alias `k` replaced by the plain scalar `h2s-alias-k`.
        var placeholderText = ""

        static let placeholderPrefix = "h2s-alias-"

        init(_ text: String) {
            var line = 1
            var column = 0
            var flowDepth = 0
            var atLineStart = true
            var indent = 0
            var dashes = 0
            var previous: Unicode.Scalar = "\n"
            let scalars = Array(text.unicodeScalars)
            var i = 0
            var output = String.UnicodeScalarView()
            output.reserveCapacity(scalars.count)
            while i < scalars.count {
                let c = scalars[i]
                column += 1
                if c == "\n" {
                    line += 1
                    column = 0
                    atLineStart = true
                    indent = 0
                    dashes = 0
                    previous = c
                    output.append(c)
                    i += 1
                    continue
                }
                if atLineStart {
                    if c == " " {
                        indent += 1
                    } else if c == "-" || c == "?", i + 1 < scalars.count, scalars[i + 1] == " " {
                        dashes += 1   // a compact block entry: `- - x` nests without indentation
                    } else if c != "\t" {
                        atLineStart = false
                    }
                }
                if c == "[" || c == "{" { flowDepth += 1 }
                if c == "]" || c == "}" { flowDepth = max(0, flowDepth - 1) }
                if deepLine == nil, flowDepth + indent / 2 + dashes > YAMLBudget.maxDepth { deepLine = line }
                let starts = Self.tokenBoundary.contains(previous)
                if (c == "*" || c == "&"), starts, let name = Self.name(in: scalars, from: i + 1), !name.isEmpty {
                    if c == "*" {
                        for p in "\(Self.placeholderPrefix)\(aliases.count)".unicodeScalars { output.append(p) }
                        aliases.append((String(String.UnicodeScalarView(name)), line))
                    } else {
                        anchors[Position(line: line, column: column)] = String(String.UnicodeScalarView(name))
                        output.append(c)
                        output.append(contentsOf: name)
                    }
                    column += name.count
                    i += 1 + name.count
                    previous = name.last!
                    continue
                }
                output.append(c)
                previous = c
                i += 1
            }
            placeholderText = String(output)
        }

        /// What may stand right before an anchor or alias token.
        static let tokenBoundary: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "[", "{", ",", ":", "?", "-", "\"", "'"]
        /// What ends an anchor or alias name (YAML: whitespace and flow indicators; quotes too,
        /// so that a false match inside a quoted scalar such as `"*/*"` keeps its closing quote).
        static let nameEnd: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "[", "]", "{", "}", ",", "\"", "'"]

        static func name(in scalars: [Unicode.Scalar], from start: Int) -> [Unicode.Scalar]? {
            var end = start
            while end < scalars.count, !nameEnd.contains(scalars[end]) { end += 1 }
            return Array(scalars[start..<end])
        }

        /// The alias name a placeholder scalar stands for, or nil for ordinary text.
        func aliasName(placeholder text: String) -> String? {
            guard text.hasPrefix(Self.placeholderPrefix), let k = Int(text.dropFirst(Self.placeholderPrefix.count)),
                  aliases.indices.contains(k) else { return nil }
            return aliases[k].name
        }
    }
}
