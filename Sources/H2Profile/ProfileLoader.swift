import Foundation
import Yams

/// Reads profile YAML, applies `--set` overrides, validates, resolves variants and expands
/// the sweep into cells.
///
/// Only `ProfileError` is thrown; its description is ready to show to the user.
public enum ProfileLoader {
    /// Most cells one profile may expand to.
    public static let maxCells = 10_000

    /// Loads the profile at `path` (see `parse(yaml:file:overrides:)`).
    public static func load(path: String, overrides: [String] = []) throws(ProfileError) -> LoadedProfile {
        try checkFile(path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot be read as UTF-8 text; check its permissions and encoding"
                : "does not exist; check the path (shipped profiles are in `profiles/`)"
            throw ProfileError(file: path, line: nil, field: "", message: "the file \(reason)")
        }
        return try parse(yaml: text, file: path, overrides: overrides)
    }

    /// Parses profile YAML. `file` names the source in errors. `overrides` are `path=value`
    /// strings (from `--set`), applied in order to the base mapping before variants, e.g.
    /// `client.streamWindow=1MiB`, `duration=3s`, `sweep.threads=[1,2]`.
    public static func parse(yaml: String, file: String, overrides: [String] = []) throws(ProfileError) -> LoadedProfile {
        var root = try compose(yaml: yaml, file: file)
        for text in overrides {
            let override = try ProfileOverride(text, file: file)
            try override.apply(to: &root, file: file)
        }
        let decoded = try ProfileDecoder(file: file).decode(root)
        var variants: [LoadedProfile.ResolvedVariant] = []
        if decoded.variantOverlays.isEmpty {
            variants.append(.init(name: "default", profile: decoded.profile))
        } else {
            for (spec, overlay) in zip(decoded.profile.sweep.variants, decoded.variantOverlays) {
                let merged = root.merging(overlay)
                let profile = try ProfileDecoder(file: file, variant: spec.name).decode(merged).profile
                variants.append(.init(name: spec.name, profile: profile))
            }
        }
        let loaded = LoadedProfile(
            file: file, base: decoded.profile, overrides: overrides, variants: variants,
            threadsGiven: decoded.threadsGiven, serverThreadsGiven: decoded.serverThreadsGiven)
        guard loaded.cells.count <= maxCells else {
            throw ProfileDecoder(file: file).fail(
                decoded.sweepOrigin, "sweep",
                "the sweep expands to \(loaded.cells.count) cells; keep it at \(maxCells) or fewer (fewer variants, thread counts or repeats)")
        }
        return loaded
    }

    /// Checks thread counts given on the command line (`--threads 1,2,4`) before
    /// `LoadedProfile.withThreads(_:)`: non-empty, distinct, each 1…256.
    public static func validateThreads(_ threads: [Int], file: String) throws(ProfileError) {
        let text = threads.map(String.init).joined(separator: ",")
        guard !threads.isEmpty else {
            throw ProfileError(file: file, line: nil, field: "sweep.threads", message: "`--threads` is empty; give at least one thread count, e.g. `--threads 1,2`")
        }
        for value in threads where !ProfileDecoder.threadRange.contains(value) {
            throw ProfileError(file: file, line: nil, field: "sweep.threads", message: "`--threads \(text)`: each thread count must be between 1 and 256, got \(value)")
        }
        guard Set(threads).count == threads.count else {
            throw ProfileError(file: file, line: nil, field: "sweep.threads", message: "`--threads \(text)`: list each thread count once")
        }
    }

    /// Checks a duration given on the command line before `LoadedProfile.withDuration(_:)`:
    /// longer than 0 and at most 1h.
    public static func validateDuration(_ duration: TimeSpan, file: String) throws(ProfileError) {
        guard duration.nanoseconds > 0, duration <= ProfileDecoder.maxTime else {
            throw ProfileError(file: file, line: nil, field: "duration", message: "`--duration` must be longer than 0s and at most 1h, got \(duration)")
        }
    }

    /// A profile path must be a regular file of at most ``YAMLBudget/maxBytes``: checked before
    /// reading, so that a directory or a 50 MB file is refused without reading it.
    static func checkFile(_ path: String) throws(ProfileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }  // reading says it is missing
        if isDirectory.boolValue {
            throw ProfileError(file: path, line: nil, field: "", message: "is a directory; give a profile file such as `profiles/quick.yaml`")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > YAMLBudget.maxBytes { throw YAMLBudget.oversize(bytes: size, file: path) }
    }

    /// The YAML document as a `ProfileNode`, turning Yams errors into `ProfileError`s. The text
    /// is first held to ``YAMLBudget`` (size, nesting, alias expansion).
    static func compose(yaml: String, file: String, requireMapping: Bool = true) throws(ProfileError) -> ProfileNode {
        try YAMLBudget.check(yaml, file: file)
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ProfileError(file: file, line: nil, field: "", message: "the file is not valid YAML (\(error)); fix its syntax")
        }
        guard let node else {
            throw ProfileError(file: file, line: nil, field: "", message: "the profile is empty; add at least `name:`, `duration:` and `mix:`")
        }
        let root = try ProfileNode(
            yams: node, origin: { line in line.map { .file(line: $0) } ?? .none },
            keyError: { line, message in ProfileError(file: file, line: line, field: "", message: message) })
        guard case .mapping = root.kind else {
            if !requireMapping { return root }
            throw ProfileError(file: file, line: root.origin.line, field: "",
                               message: "write the profile as a mapping of fields such as `name:`, `duration:` and `mix:`, got \(root.shownAs)")
        }
        return root
    }

    static func syntaxError(_ error: YamlError, file: String) -> ProfileError {
        func located(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> ProfileError {
            let during = context.map { " (\($0.text) started at line \($0.mark.line))" } ?? ""
            return ProfileError(
                file: file, line: mark.line, field: "",
                message: "the file is not valid YAML: \(problem) at column \(mark.column)\(during); check the indentation, `:` and quoting here")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return located(problem, mark, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return ProfileError(file: file, line: context.mark.line, field: "",
                                message: "the key \(keys) appears more than once in the same mapping; write each key once")
        case .reader(let problem, _, _, _):
            return ProfileError(file: file, line: nil, field: "", message: "the file is not readable text (\(problem)); save it as UTF-8")
        default:
            return ProfileError(file: file, line: nil, field: "", message: "the file is not valid YAML (\(error)); fix its syntax")
        }
    }
}
