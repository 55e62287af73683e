import Foundation
import H2TestSupport

/// Runs Debian's `chromium` headless on a local file, for the browser tests of `report.html`.
///
/// Each call uses a fresh profile directory (removed afterwards) so parallel tests do not share state, and is
/// bounded in time: after ``timeout`` the browser process is killed (SIGKILL, ``Subprocess``).
struct HTMLReportChromium {
    /// What one headless load produced.
    struct Load {
        /// The serialised DOM after load (`--dump-dom`), or empty for a screenshot.
        var dom: String
        /// Lines of the browser's log that report page console output or uncaught exceptions.
        var consoleLines: [String]
        /// Exit status of the browser process.
        var status: Int32
    }

    /// The browser executable: `$H2STRESS_CHROMIUM` when set (`nil` if that is not an executable file), else the
    /// first of `chromium`, `chromium-browser` on `PATH`.
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["H2STRESS_CHROMIUM"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// True when the `CI` environment variable is set (then a missing browser is a failure, not a skip).
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty && value != "0" && value.lowercased() != "false"
    }

    /// Longest a browser run may take.
    static let timeout: TimeInterval = 60

    let executable: String

    /// Loads `file` and dumps its DOM, capturing console output from the browser log.
    func dumpDOM(of file: String) throws -> Load {
        try run(["--dump-dom", URL(fileURLWithPath: file).absoluteString])
    }

    /// Loads `file` and writes a PNG screenshot of `width`×`height` px to `png`.
    func screenshot(of file: String, to png: String, width: Int, height: Int) throws -> Load {
        try run(["--hide-scrollbars", "--screenshot=\(png)", "--window-size=\(width),\(height)", URL(fileURLWithPath: file).absoluteString])
    }

    private func run(_ arguments: [String]) throws -> Load {
        let scratch = NSTemporaryDirectory() + "h2report-chromium-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outcome = try Subprocess.runBlocking(executable, [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=\(scratch)/profile",
        ] + arguments, timeout: Self.timeout)
        if outcome.timedOut {
            throw BrowserError(message: "chromium did not finish within \(Int(Self.timeout)) s: \(arguments.joined(separator: " "))")
        }
        let console = outcome.stderr.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        return Load(dom: outcome.stdout, consoleLines: console, status: outcome.status)
    }

    /// A browser run that could not be completed.
    struct BrowserError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
