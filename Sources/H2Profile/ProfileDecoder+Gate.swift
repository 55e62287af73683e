/// The `gate:` section: release-gate rules as text or `{rule:, cells:, variants:}` mappings.
extension ProfileDecoder {
    /// Decodes a `gate` list at `path` (`gate` in a profile, the top level or `gate` of a `--rules` file).
    /// `variantNames` (when non-nil) are the names a rule's `variants:` may use.
    func decodeGate(_ node: ProfileNode, _ path: String, variantNames: [String]?) throws(ProfileError) -> [GateRule] {
        let items: [ProfileNode]
        switch node.kind {
        case .sequence(let found): items = found
        case .null: return []
        default:
            throw fail(node.origin, path, "`\(path)`: write a list of rules, e.g. `\(path): [\"truncated == 0\", {rule: \"wakePoll.p99 < 2ms\", variants: [window-1m]}]`, got \(node.shownAs)")
        }
        var rules: [GateRule] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var ruleNode = item
            var cells: [String] = []
            var variants: [String] = []
            if case .mapping = item.kind {
                let entry = try fields(item, itemPath, allowed: ["rule", "cells", "variants"])
                ruleNode = try require(entry, "rule", example: "`rule: \"truncated == 0\"`")
                cells = try entry.value("cells").map { (node) throws(ProfileError) in try nameList(node, entry.path("cells")) } ?? []
                variants = try entry.value("variants").map { (node) throws(ProfileError) in try nameList(node, entry.path("variants")) } ?? []
                if let variantNames, let list = entry.value("variants") {
                    for name in variants where !name.contains("*") && !variantNames.contains(name) {
                        let hint = FieldSuggestion.closest(to: name, among: variantNames).map { "did you mean `\($0)`?" }
                            ?? "the variants are " + variantNames.map { "`\($0)`" }.joined(separator: ", ")
                        throw fail(list.origin, entry.path("variants"), "`\(entry.path("variants"))` names `\(name)`, which is not a variant of this profile; \(hint)")
                    }
                }
            }
            let fieldPath = ruleNode.origin == item.origin && item.entries == nil ? itemPath : itemPath + ".rule"
            let text = try scalar(ruleNode, fieldPath, expecting: "a rule in quotes such as `\"truncated == 0\"`")
            switch GateRule.parse(text) {
            case .failure(let problem):
                throw fail(ruleNode.origin, fieldPath, "`\(fieldPath)`: \(problem.message)")
            case .success(var rule):
                rule.cells = cells
                rule.variants = variants
                rule.line = ruleNode.origin.line
                rules.append(rule)
            }
        }
        return rules
    }

    /// A list of non-empty names; a single name is read as a one-element list.
    private func nameList(_ node: ProfileNode, _ field: String) throws(ProfileError) -> [String] {
        let items: [ProfileNode]
        switch node.kind {
        case .sequence(let found): items = found
        case .scalar: items = [node]
        default: throw fail(node.origin, field, "`\(field)`: write a list of names like `[window-1m]`, got \(node.shownAs)")
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            let name = try scalar(item, "\(field)[\(index)]", expecting: "a name")
            guard !name.isEmpty else {
                throw fail(item.origin, "\(field)[\(index)]", "`\(field)[\(index)]` is empty; write a name such as `window-1m`")
            }
            names.append(name)
        }
        return names
    }
}
