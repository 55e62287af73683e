import ArgumentParser
import Glibc
import H2Run
import H2Report
import H2Loop
import H2Target
import H2Wire
import H2Profile
import H2Driver

/// `h2stress serve`: the embedded target on its own, for h2load, grpc clients and others.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the embedded HTTP/2 + gRPC target server until Ctrl-C.",
        discussion: """
        Serves grpc.testing.TestService/StreamingOutputCall and /UnaryCall (gRPC) and /bytes/<n> (GET, or any method: an upload is read and dropped).
        Send the request header `h2stress-stamp: 1` to get stamped message bodies. A gRPC call's
        `grpc-timeout` is honoured: when it expires the call ends with grpc-status 4 (DEADLINE_EXCEEDED).
        """)

    @Option(name: .long, help: "Address to bind (numeric).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to bind; 0 picks a free one.")
    var port: UInt16 = 50051

    @Option(name: .long, help: "Server loop threads.")
    var threads = 1

    @Option(name: .long, help: ArgumentHelp("Stream receive window the server announces, e.g. 64KiB.", valueName: "size"))
    var streamWindow: ByteCount = ByteCount(bytes: 65_535)

    @Option(name: .long, help: ArgumentHelp("Connection receive window, e.g. 1MiB.", valueName: "size"))
    var connectionWindow: ByteCount = ByteCount(bytes: 1 << 20)

    @Option(name: .long, help: "SETTINGS_MAX_CONCURRENT_STREAMS the server announces.")
    var maxConcurrentStreams = 1000

    @Option(name: .long, help: ArgumentHelp("SETTINGS_MAX_FRAME_SIZE, 16KiB…16MiB-1.", valueName: "size"))
    var maxFrameSize: ByteCount = ByteCount(bytes: 16_384)

    @Option(name: .long, help: ArgumentHelp("Serve TLS (ALPN h2) with this PEM certificate chain; needs --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("Stop by itself after this long (e.g. 30s); default: until Ctrl-C.", valueName: "time"))
    var duration: TimeSpan?

    func validate() throws {
        let range = Profile.threadRange
        guard range.contains(threads) else {
            throw ValidationError("`--threads` must be \(range.lowerBound)…\(range.upperBound), got \(threads)")
        }
        guard HTTP2Settings.maxFrameSizeRange.contains(maxFrameSize.bytes) else {
            throw ValidationError("`--max-frame-size` must be 16KiB…16MiB-1 (RFC 9113), got \(maxFrameSize)")
        }
        guard HTTP2Settings.windowSizeRange.contains(streamWindow.bytes), HTTP2Settings.windowSizeRange.contains(connectionWindow.bytes) else {
            throw ValidationError("windows must be 1B…2147483647B")
        }
        guard maxConcurrentStreams >= 1 else { throw ValidationError("`--max-concurrent-streams` must be ≥ 1") }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("TLS needs both `--tls-cert` and `--tls-key`")
        }
    }

    func run() throws {
        let settings = HTTP2Settings(server: ServerSettings(threads: threads, streamWindow: streamWindow, connectionWindow: connectionWindow,
                                                           maxConcurrentStreams: maxConcurrentStreams, maxFrameSize: maxFrameSize))
        InterruptWatcher.block()
        let server: EmbeddedServer
        do {
            let tls = tlsCert.map { TLSServerConfig(certificateFile: $0, privateKeyFile: tlsKey ?? "") }
            server = try EmbeddedServer.start(EmbeddedServerConfig(host: host, port: port, threads: threads, settings: settings, tls: tls))
        } catch .tls(let error) {
            throw ExitError(ExitStatus.usage, "cannot serve TLS: \(error)")
        } catch {
            throw ExitError(ExitStatus.runFailed, "cannot listen on \(host):\(port): \(error)")
        }
        let mode = tlsCert == nil ? "h2c" : "h2 over TLS"
        print("h2stress serve: listening on \(TargetAddress(host: server.host, port: server.port)) (\(mode), \(threads) thread\(threads == 1 ? "" : "s"))")
        fflush(nil)  // a parent reading the pipe sees the line at once
        InterruptWatcher.waitForSignal(timeout: duration)
        let stats = server.stop()
        let deadlines = stats.grpcTimeoutsReceived > 0
            ? ", \(stats.grpcTimeoutsReceived) calls with grpc-timeout (\(stats.deadlinesExceeded) ended DEADLINE_EXCEEDED)" : ""
        print("h2stress serve: stopped; \(stats.connectionsAccepted) connections, \(stats.streamsFinished) responses, \(stats.dataBytesSent) DATA bytes sent\(deadlines)")
    }
}
