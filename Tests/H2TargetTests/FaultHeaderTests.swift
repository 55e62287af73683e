import H2Loop
import H2Target
import H2Wire
import Testing
import H2Profile
import H2Driver

/// The `h2stress-fault` header: canonical text round-trips, mistakes are named, and the embedded
/// server answers an unusable header with an error instead of ignoring it.
struct FaultHeaderTests {
    static let samples: [Fault] = [
        Fault(kind: .rst, after: 3, code: 8), Fault(kind: .goaway, after: 0, code: 11, last: .below),
        Fault(kind: .goaway, code: 0, last: .self), Fault(kind: .close, after: 2), Fault(kind: .tcpReset),
        Fault(kind: .truncate, after: 5), Fault(kind: .cut, after: 1), Fault(kind: .noTrailers), Fault(kind: .noTrailers, after: 2),
        Fault(kind: .status, after: 1, code: 14), Fault(kind: .corrupt, after: 1, how: .gap), Fault(kind: .withholdCredit),
        Fault(kind: .stall, after: 2, milliseconds: 300), Fault(kind: .delay, milliseconds: 50), Fault(kind: .refuse),
    ]

    @Test(arguments: samples)
    func canonicalTextRoundTrips(_ fault: Fault) throws {
        let text = fault.description
        let parsed = try Fault.parse(text).get()
        #expect(parsed.description == text)
        #expect(parsed.kind == fault.kind)
        #expect(parsed.effectiveAfter == fault.effectiveAfter)
        #expect(parsed.effectiveCode == fault.effectiveCode)
    }

    @Test func defaultsAreWrittenOut() {
        #expect(Fault(kind: .rst).description == "rst;after=1;code=8")
        #expect(Fault(kind: .goaway).description == "goaway;after=1;code=0;last=below")
        #expect(Fault(kind: .status).description == "status;after=1;code=13")
        #expect(Fault(kind: .corrupt).description == "corrupt;after=1;how=checksum")
        #expect(Fault(kind: .noTrailers).description == "no-trailers")
    }

    @Test(arguments: [
        ("rest;after=1", "unknown fault `rest`"), ("rst;after=-1", "after=-1"), ("rst;after", "not `key=value`"),
        ("rst;colour=red", "unknown fault parameter `colour`"), ("goaway;last=above", "last=above"),
        ("corrupt;how=badly", "how=badly"), ("stall;ms=x", "ms=x"), ("rst;code=CANCEL", "code=CANCEL"),
    ])
    func mistakesAreNamed(_ text: String, _ expected: String) {
        guard case .failure(let error) = Fault.parse(text) else {
            Issue.record("`\(text)` parsed")
            return
        }
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func expectedOutcomes() {
        let deadline: UInt64 = 1_000_000_000
        #expect(Fault(kind: .rst).expectedOutcome(deadlineNanoseconds: nil) == .reset)
        #expect(Fault(kind: .refuse).expectedOutcome(deadlineNanoseconds: nil) == .reset)
        #expect(Fault(kind: .goaway).expectedOutcome(deadlineNanoseconds: nil) == .goaway)
        #expect(Fault(kind: .goaway, last: .self).expectedOutcome(deadlineNanoseconds: nil) == .complete)
        #expect(Fault(kind: .tcpReset).expectedOutcome(deadlineNanoseconds: nil) == .connectionLost)
        #expect(Fault(kind: .cut).expectedOutcome(deadlineNanoseconds: nil) == .truncated)
        #expect(Fault(kind: .status).expectedOutcome(deadlineNanoseconds: nil) == .statusError)
        #expect(Fault(kind: .corrupt).expectedOutcome(deadlineNanoseconds: nil) == .integrity)
        #expect(Fault(kind: .stall, milliseconds: 2_000).expectedOutcome(deadlineNanoseconds: deadline) == .deadline)
        #expect(Fault(kind: .stall, milliseconds: 200).expectedOutcome(deadlineNanoseconds: deadline) == .complete)
        #expect(Fault(kind: .delay, milliseconds: 2_000).expectedOutcome(deadlineNanoseconds: nil) == .complete)
        #expect(Fault(kind: .withholdCredit).expectedOutcome(deadlineNanoseconds: nil) == nil)
        #expect(Fault(kind: .withholdCredit).expectedOutcome(deadlineNanoseconds: deadline) == .deadline)
    }

    /// A typo in the header, or a gRPC-only fault on `GET /bytes/<n>`, must not pass silently:
    /// gRPC answers `grpc-status: 3`, plain HTTP `:status 400`.
    @Test func unusableHeadersAreAnsweredWithAnError() throws {
        let server = try EmbeddedServer.start(EmbeddedServerConfig())
        defer { _ = server.stop() }
        let grpc = PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: 2, size: ByteCount(bytes: 64))), stamped: true)
        let get = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(1))), stamped: false)
        let typo = StreamPlan(kindName: grpc.kindName, framing: .grpc, method: "POST", path: grpc.path,
                              requestHeaders: grpc.requestHeaders + [HeaderField(name: Fault.headerName, value: "rest;after=1")],
                              requestBody: grpc.requestBody, expectedMessageLengths: grpc.expectedMessageLengths,
                              expectedBodySizes: grpc.expectedBodySizes, expectedBytes: grpc.expectedBytes, stamped: true)
        for (plan, status) in [(typo, 3), (get.withFault(Fault(kind: .cut)), 400)] {
            let options = Driver.Options(threads: 1, connections: 1, streamsPerConnection: 4, plans: [plan], weights: [1],
                                         settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: 20_000_000_000,
                                         totalStreams: 8)
            let m = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl()).measurements
            #expect(m.outcomes.statusError == 8, "\(m.outcomes)")
            #expect(m.failures.allSatisfy { ($0.grpcStatus ?? $0.httpStatus) == status }, "\(m.failures.first.map { "\($0)" } ?? "-")")
        }
    }
}
