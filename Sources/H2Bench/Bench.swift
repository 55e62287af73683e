import Foundation
import Glibc
import H2Driver
import H2Report

/// `h2stress bench` from start to finish: machine and settings lines, each scenario, the table,
/// the goals and the optional JSON file, printed to standard output.
public enum Bench {
    /// How a bench run ended.
    public enum Ending: Sendable, Equatable {
        /// Every scenario ran (goals may still be missed: they are reported, not enforced).
        case finished
        /// A scenario could not be run, h2load failed, or the JSON file could not be written.
        case failed
        /// Ctrl-C.
        case interrupted
    }

    /// Runs `options`' scenarios; `h2load` is a name on PATH or a path; `json` also writes the figures there.
    public static func run(_ options: BenchOptions, h2load: String, json: String?, control: RunControl) -> Ending {
        let session = BenchSession(options: options, control: control, executable: ownExecutable(),
                                   h2loadPath: resolveExecutable(h2load))
        print(session.machineLine())
        print(session.settingsLine())
        #if DEBUG
        print("NOTE: this is a DEBUG build — figures are not representative; build with `swift build -c release`.")
        #endif
        if session.h2loadPath == nil {
            Terminal.note("h2load not found (`\(h2load)`): install nghttp2-client (apt-get install nghttp2-client); running h2stress alone")
        }
        var failed = false
        for scenario in options.scenarios where !control.isInterrupted {
            do {
                try session.run(scenario)
            } catch {
                Terminal.error("\(scenario): \(error)")
                failed = true
            }
        }
        print("")
        print(session.table())
        for line in session.goalLines() { print(line) }
        if let json {
            do {
                try session.writeJSON(to: json)
                print("figures written to \(json)")
            } catch {
                Terminal.error("cannot write \(json): \(error)")
                failed = true
            }
        }
        if control.isInterrupted { return .interrupted }
        return failed || !session.errors.isEmpty ? .failed : .finished
    }

    /// This binary's path (the target runs as `<self> serve`).
    static func ownExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    /// `name` if it contains a slash and is executable, else the first executable match on PATH.
    static func resolveExecutable(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
