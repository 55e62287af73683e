import ArgumentParser
import H2Run
import H2Report
import H2Profile

/// `h2stress validate <profiles…>`: checks profiles without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check profiles without running them (exit 64 on the first broken one).")

    @Argument(help: "Profile files to check.")
    var profiles: [String]

    @OptionGroup var profileOptions: ProfileOptions

    func run() throws {
        var failed = false
        for path in profiles {
            do {
                let loaded = try profileOptions.load(path)
                print("ok  \(path): \(loaded.cells.count) cell\(loaded.cells.count == 1 ? "" : "s"), \(loaded.wallTime)")
            } catch {
                Terminal.error(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.usage) }
    }
}
