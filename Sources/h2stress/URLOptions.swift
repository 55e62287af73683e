import ArgumentParser
import H2Profile

/// `run --url …`: a load without a profile file, in the h2load and ghz habits. Builds a
/// ``OneLineProfile`` (with `-t`, `-d`, `--set` from ``ProfileOptions`` applied on top).
struct URLOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Load this server without a profile file: h2c://host:port/path or https://host:port/path.", valueName: "url"))
    var url: String?

    @Option(name: .customShort("c"), help: ArgumentHelp("With --url: connections (default 1).", valueName: "n"))
    var connections: Int?

    @Option(name: .customShort("m"), help: ArgumentHelp("With --url: concurrent streams per connection (default 1).", valueName: "n"))
    var streamsPerConnection: Int?

    @Option(name: .customShort("n"), help: ArgumentHelp("With --url: stop after this many streams in all (the duration, 1h unless -d, still bounds it).", valueName: "n"))
    var requests: Int?

    @Option(name: .customShort("w"), help: ArgumentHelp("With --url: stream window, a size like 1MiB or, as in h2load, bits (30 = 2^30-1).", valueName: "size"))
    var streamWindow: String?

    @Option(name: .customShort("W"), help: ArgumentHelp("With --url: connection window, a size or bits.", valueName: "size"))
    var connectionWindow: String?

    @Option(name: .long, help: ArgumentHelp("With --url: the HTTP method (default GET, or POST with --data).", valueName: "method"))
    var method: String?

    @Option(name: .long, help: ArgumentHelp("With --url: a file holding the request body; with --grpc, the serialized request message.", valueName: "file"))
    var data: String?

    @Option(name: .customLong("header"), help: ArgumentHelp("With --url: a request header (metadata with --grpc), repeatable.", valueName: "name:value"))
    var headers: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --url: call this gRPC method, e.g. /helloworld.Greeter/SayHello.", valueName: "method"))
    var grpc: String?

    @Option(name: .long, help: ArgumentHelp("With --url: accepted statuses, e.g. 200,204 or 2xx (HTTP) or OK,NOT_FOUND (gRPC).", valueName: "list"))
    var expectStatus: String?

    @Option(name: .long, help: ArgumentHelp("With --url: the exact response body size (HTTP) or each message's size (gRPC).", valueName: "size"))
    var expectSize: String?

    @Option(name: .long, help: ArgumentHelp("With --url --grpc: the exact number of response messages.", valueName: "n"))
    var expectMessages: Int?

    @Flag(name: [.customShort("k"), .long], help: "With an https --url: do not verify the server's certificate.")
    var insecure = false

    @Flag(name: .long, help: "Print the profile the options make (YAML) and exit; keep it to grow it into variants.")
    var printProfile = false

    /// Options that only mean something with `--url`, as written.
    var urlOnlyOptionsGiven: [String] {
        var given: [String] = []
        if connections != nil { given.append("-c") }
        if streamsPerConnection != nil { given.append("-m") }
        if requests != nil { given.append("-n") }
        if streamWindow != nil { given.append("-w") }
        if connectionWindow != nil { given.append("-W") }
        if method != nil { given.append("--method") }
        if data != nil { given.append("--data") }
        if !headers.isEmpty { given.append("--header") }
        if grpc != nil { given.append("--grpc") }
        if expectStatus != nil { given.append("--expect-status") }
        if expectSize != nil { given.append("--expect-size") }
        if expectMessages != nil { given.append("--expect-messages") }
        if insecure { given.append("--insecure") }
        if printProfile { given.append("--print-profile") }
        return given
    }

    func validate() throws {
        for (flag, value) in [("-c", connections), ("-m", streamsPerConnection), ("-n", requests)] {
            if let value, value < 1 { throw ValidationError("`\(flag)` must be at least 1, got \(value)") }
        }
        if let expectMessages, expectMessages < 0 { throw ValidationError("`--expect-messages` must be 0 or more, got \(expectMessages)") }
    }

    /// The profile text for `url`; `commandLine` is written as its first comment.
    func profile(url: String, duration: String?, threads: String?, commandLine: String) throws(ProfileError) -> String {
        var profile = OneLineProfile(url: url)
        profile.threads = threads
        profile.connections = connections
        profile.streamsPerConnection = streamsPerConnection
        profile.duration = duration
        profile.requests = requests
        profile.streamWindow = streamWindow
        profile.connectionWindow = connectionWindow
        profile.method = method
        profile.dataFile = data
        profile.headers = headers
        profile.grpcMethod = grpc
        profile.insecure = insecure
        profile.expectStatus = expectStatus
        profile.expectSize = expectSize
        profile.expectMessages = expectMessages
        profile.commandLine = commandLine
        return try profile.yaml()
    }
}
