import Foundation

/// Reads release-gate rules from a `--rules` file: YAML holding either a list of rules or a mapping with
/// a `gate:` list, each rule a string or `{rule:, cells:, variants:}` (the same form as a profile's `gate:`).
public enum GateRuleFile {
    /// Loads and parses `path`; errors name the file, the line, the rule and the fix.
    public static func load(path: String) throws(ProfileError) -> [GateRule] {
        try ProfileLoader.checkFile(path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ProfileError(file: path, line: nil, field: "",
                               message: "the rules file \(FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist; check the path")")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses rules YAML; `file` names the source in errors.
    public static func parse(yaml: String, file: String) throws(ProfileError) -> [GateRule] {
        let root = try ProfileLoader.compose(yaml: yaml, file: file, requireMapping: false)
        let decoder = ProfileDecoder(file: file)
        switch root.kind {
        case .sequence:
            return try decoder.decodeGate(root, "gate", variantNames: nil)
        case .mapping:
            let top = try decoder.fields(root, "", allowed: ["gate"])
            let node = try decoder.require(top, "gate", example: "a list such as `gate: [\"truncated == 0\"]`")
            return try decoder.decodeGate(node, "gate", variantNames: nil)
        default:
            throw ProfileError(file: file, line: root.origin.line, field: "",
                               message: "write the rules as a list (`- \"truncated == 0\"`) or as `gate: [...]`, got \(root.shownAs)")
        }
    }
}
