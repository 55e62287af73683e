import H2Profile
import H2Wire

/// `run --fail-on truncated,integrity,…`: gate rules without a rules file. Each name becomes
/// `<name> == 0`, added to the profile's own rules, so the run exits 1 (and writes `junit.xml`)
/// when a stream ended that way; `failed` stands for every abnormal outcome.
public enum FailOn {
    /// The names `--fail-on` accepts: `failed` and every outcome but `complete` and `unfinished`.
    public static let names = ["failed"] + StreamOutcome.allCases.map(\.rawValue).filter { $0 != "complete" && $0 != "unfinished" }

    /// The rules for a comma-separated list; exit 64 naming an unknown name and the accepted ones.
    public static func rules(_ list: String) throws(ExitError) -> [GateRule] {
        var rules: [GateRule] = []
        for part in list.split(separator: ",") {
            let name = String(part).trimmingSpaces()
            guard names.contains(name), case .success(let rule) = GateRule.parse("\(name) == 0") else {
                throw ExitError(ExitStatus.usage, "`--fail-on`: unknown outcome `\(name)`; write a comma-separated list of \(names.joined(separator: ", "))")
            }
            if !rules.contains(rule) { rules.append(rule) }
        }
        guard !rules.isEmpty else {
            throw ExitError(ExitStatus.usage, "`--fail-on` needs at least one outcome, e.g. `--fail-on truncated,integrity` or `--fail-on failed`")
        }
        return rules
    }
}
