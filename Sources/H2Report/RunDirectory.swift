#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import H2Results

/// One run's results directory, `results/<profile-name>-<YYYYMMDD-HHMMSS>[-N]/`, and its files.
///
/// Every file is replaced atomically (written to a temporary file in the same directory,
/// flushed, then renamed over the old one), so a reader or a Ctrl-C never sees a half-written
/// `run.json`. ``write(_:)`` is meant to be called after every cell and once more at the end.
public struct RunDirectory: Sendable {
    /// Name of the machine-readable results file.
    public static let runFileName = "run.json"
    /// Name of the Markdown report.
    public static let reportFileName = "report.md"

    /// The directory's path (under the results root given at creation).
    public let path: String
    /// The directory's name, used as the run's id.
    public let runID: String

    /// Creates a new, unique run directory under `resultsRoot` (created if missing).
    ///
    /// The name is `<profileName>-<UTC YYYYMMDD-HHMMSS>`; when that exists, `-2`, `-3`, … is appended.
    /// Characters other than letters, digits, `.`, `_` and `-` in the profile name become `-`.
    public init(resultsRoot: String = "results", profileName: String, startedAt: Date) throws {
        do {
            try FileManager.default.createDirectory(atPath: resultsRoot, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: resultsRoot, reason: "cannot create the results directory: \(error.localizedDescription)")
        }
        let base = "\(Self.safeName(profileName))-\(UTCTimestamp.compact(startedAt))"
        var suffix = 1
        while true {
            let name = suffix == 1 ? base : "\(base)-\(suffix)"
            let candidate = resultsRoot.hasSuffix("/") ? resultsRoot + name : resultsRoot + "/" + name
            if mkdir(candidate, 0o755) == 0 {
                path = candidate
                runID = name
                return
            }
            let code = errno
            guard code == EEXIST else {
                throw ReportError(path: candidate, reason: "cannot create the run directory: \(Self.describe(code))")
            }
            suffix += 1
        }
    }

    /// Path of `run.json` in this directory.
    public var runFilePath: String { path + "/" + Self.runFileName }

    /// Path of `report.md` in this directory.
    public var reportFilePath: String { path + "/" + Self.reportFileName }

    /// Writes `run.json`, `report.md` and `report.html` for `run`, each atomically.
    public func write(_ run: RunResult) throws {
        let json: Data
        do {
            json = try run.encodedJSON()
        } catch {
            throw ReportError(path: runFilePath, reason: "cannot encode the run: \(error)")
        }
        try writeFile(named: Self.runFileName, contents: json)
        try writeFile(named: Self.reportFileName, contents: Data(MarkdownReport.render(run).utf8))
        try writeFile(named: "report.html", contents: Data(HTMLReport.render(run).utf8))
    }

    /// Atomically creates or replaces the file `name` in this directory with `contents`.
    public func writeFile(named name: String, contents: Data) throws {
        let target = path + "/" + name
        let temporary = path + "/." + name + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ReportError(path: temporary, reason: "cannot create: \(Self.describe(errno))")
        }
        var failure: ReportError?
        contents.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = writeBytes(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = ReportError(path: temporary, reason: "cannot write: \(Self.describe(errno))")
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 {
            failure = ReportError(path: temporary, reason: "cannot flush: \(Self.describe(errno))")
        }
        close(fd)
        if failure == nil, rename(temporary, target) != 0 {
            failure = ReportError(path: target, reason: "cannot replace: \(Self.describe(errno))")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    static func safeName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let mapped = String(name.map { allowed.contains($0) ? $0 : "-" })
        return mapped.isEmpty || mapped.allSatisfy({ $0 == "." }) ? "run" : mapped
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `write(2)`, named so it does not collide with ``RunDirectory/write(_:)``.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}
