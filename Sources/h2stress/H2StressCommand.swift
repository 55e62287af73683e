import ArgumentParser
import Foundation
import H2Report
import H2Run

/// `h2stress`: the HTTP/2 and gRPC load and stress harness.
@main
struct H2StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "h2stress",
        abstract: "HTTP/2 and gRPC load and stress harness: per-stream truncation, wake latency, throughput.",
        discussion: """
        Exit codes: 0 success, 1 gate failed, 2 the run could not be done, 64 bad usage or profile.
        """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ValidateCommand.self, ServeCommand.self, CompareCommand.self, GateCommand.self,
                      ReportCommand.self, BenchCommand.self, MergeCommand.self, K8sCommand.self],
        defaultSubcommand: nil)

    /// Runs the command; an ``ExitError`` from any step prints its message and exits with its status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExitError {
            if let message = error.message { Terminal.error(message) }
            Foundation.exit(error.status)
        } catch {
            exit(withError: error)
        }
    }
}
