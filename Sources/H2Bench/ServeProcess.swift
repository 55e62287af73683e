import Foundation
import Glibc
import H2Loop
import H2Profile

/// The benchmark target: `h2stress serve` run as a child process on a free loopback port, so the
/// server's CPU and memory never count in the measured client's process, and h2load and the
/// h2stress driver face the very same server build and settings.
///
/// Threading: owned by the bench command's thread; not `Sendable`.
final class ServeProcess {
    /// What the server reported and cost once stopped.
    struct Stopped: Sendable {
        /// Connections the server accepted.
        var connections: Int?
        /// Responses finished.
        var responses: Int?
        /// DATA payload bytes the server sent over its whole life.
        var dataBytesSent: Int?
        /// The server process's CPU and peak RSS.
        var exit: ChildProcess.Exit
    }

    /// The bound port on 127.0.0.1.
    let port: UInt16
    private let child: ChildProcess

    private init(port: UInt16, child: ChildProcess) {
        self.port = port
        self.child = child
    }

    /// Starts `executable serve` and waits (≤ 10 s) for its "listening on" line.
    /// `lifetime` bounds the server by itself in case this process dies without stopping it.
    static func start(executable: String, threads: Int, maxFrameSize: Int, maxConcurrentStreams: Int,
                      lifetime: TimeSpan) throws(BenchError) -> ServeProcess {
        let child = try ChildProcess.benchChild(executable: executable, arguments: [
            "serve", "--host", "127.0.0.1", "--port", "0", "--threads", String(threads),
            "--max-frame-size", String(maxFrameSize), "--max-concurrent-streams", String(maxConcurrentStreams),
            "--duration", "\(lifetime.nanoseconds / 1_000_000)ms",
        ])
        guard let line = child.line(containing: "listening on", deadline: MonotonicClock.now() + 10_000_000_000),
              let portText = line.split(separator: ":").last?.split(separator: " ").first,
              let port = UInt16(portText)
        else {
            child.send(SIGKILL)
            _ = child.wait(deadline: MonotonicClock.now() + 5_000_000_000)
            throw BenchError("the target `\(executable) serve` did not start; it printed: \(child.standardOutputText)")
        }
        return ServeProcess(port: port, child: child)
    }

    /// Stops the server with SIGTERM (SIGKILL after 10 s) and parses its closing summary line
    /// ("stopped; 10 connections, 65279 responses, 4278124544 DATA bytes sent").
    func stop() -> Stopped {
        let exit = child.stop(grace: 10_000_000_000)
        var stopped = Stopped(connections: nil, responses: nil, dataBytesSent: nil, exit: exit)
        if let line = child.standardOutputText.split(separator: "\n").first(where: { $0.contains("stopped;") }) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" })
            for (i, word) in words.enumerated() where i > 0 {
                let value = Int(words[i - 1])
                switch word {
                case "connections": stopped.connections = value
                case "responses": stopped.responses = value
                case "DATA": stopped.dataBytesSent = value
                default: break
                }
            }
        }
        return stopped
    }
}
