import ArgumentParser
import Foundation
import H2Profile
import H2Driver

/// Options shared by `run` and `validate` that change the loaded profile.
struct ProfileOptions: ParsableArguments {
    @Option(name: [.customShort("t"), .long], help: ArgumentHelp("Driver thread counts to sweep, e.g. 1,2,4 (replaces sweep.threads).", valueName: "list"))
    var threads: String?

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("Measured duration of every cell, e.g. 3s (replaces duration).", valueName: "time"))
    var duration: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a profile field, e.g. --set client.streamWindow=1MiB (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    /// Loads and validates `path` with the command-line overrides applied.
    func load(_ path: String) throws(ProfileError) -> LoadedProfile {
        try apply(to: try ProfileLoader.load(path: path, overrides: overrides), path: path)
    }

    /// Loads profile text that exists only on the command line (`run --url`), named `file` in errors.
    func load(yaml: String, file: String) throws(ProfileError) -> LoadedProfile {
        try apply(to: try ProfileLoader.parse(yaml: yaml, file: file, overrides: overrides), path: file)
    }

    /// `--threads` and `--duration` on top of a loaded profile.
    private func apply(to loadedProfile: LoadedProfile, path: String) throws(ProfileError) -> LoadedProfile {
        var loaded = loadedProfile
        if let threads {
            let list = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
                throw ProfileError(file: path, line: nil, field: "--threads",
                                   message: "`--threads`: write a comma-separated list of thread counts such as `1,2,4`, got `\(threads)`")
            }
            let values = list.map { $0! }
            try ProfileLoader.validateThreads(values, file: path)
            loaded = loaded.withThreads(values)
        }
        if let duration {
            guard let span = TimeSpan(duration) else {
                throw ProfileError(file: path, line: nil, field: "--duration",
                                   message: "`--duration`: write a time like `10s` or `250ms`, got `\(duration)`")
            }
            try ProfileLoader.validateDuration(span, file: path)
            loaded = loaded.withDuration(span)
        }
        return loaded
    }
}

