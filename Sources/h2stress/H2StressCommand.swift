import ArgumentParser

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
                      ReportCommand.self, BenchCommand.self],
        defaultSubcommand: nil)
}

/// Exit codes shared by every subcommand.
enum ExitStatus {
    static let success: Int32 = 0
    static let gateFailed: Int32 = 1
    static let runFailed: Int32 = 2
    static let usage: Int32 = 64
}
