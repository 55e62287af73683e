import H2Wire
import Testing
@testable import H2Profile
@testable import H2Driver

/// ``StreamVerifier`` on synthetic frame sequences (no sockets): every ``StreamOutcome``, the
/// precedence between them, and the progress it reports.
struct StreamVerifierTests {
    static let streamID: Int32 = 7

    /// 10 messages of 1KiB, message 3 a 64KiB burst, stamped.
    static let serverStream = PlanBuilder.plan(
        for: .grpcServerStream(ServerStreamSpec(messages: 10, size: .kibibytes(1), interval: .milliseconds(1),
                                                bursts: [Burst(at: 3, size: .kibibytes(64))])),
        stamped: true)
    /// The same stream without stamps.
    static let unstampedStream = PlanBuilder.plan(
        for: .grpcServerStream(ServerStreamSpec(messages: 10, size: .kibibytes(1), bursts: [Burst(at: 3, size: .kibibytes(64))])),
        stamped: false)
    /// 6 equal messages of 100 bytes, stamped (for sequence checks).
    static let evenStream = PlanBuilder.plan(
        for: .grpcServerStream(ServerStreamSpec(messages: 6, size: ByteCount(bytes: 100))), stamped: true)
    /// 5 messages of 8 bytes: too short for a stamp, checked by size only.
    static let tinyStream = PlanBuilder.plan(
        for: .grpcServerStream(ServerStreamSpec(messages: 5, size: ByteCount(bytes: 8))), stamped: true)
    static let unary = PlanBuilder.plan(
        for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 100), responseSize: .kibibytes(1))), stamped: true)
    static let httpGet = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(64))), stamped: false)

    static let cleanClose = StreamClosure.closed(errorCode: 0, resetByPeer: false)

    /// A verifier that has received the response headers of `plan`.
    static func started(_ plan: StreamPlan, streamID: Int32 = streamID) -> StreamVerifier {
        var v = StreamVerifier(plan: plan, streamID: streamID)
        if plan.framing == .grpc {
            v.receiveGRPCHeaders()
        } else {
            v.receiveHeaders([(":status", "200"), ("content-type", "application/octet-stream"),
                              ("content-length", String(plan.expectedBytes))])
        }
        return v
    }

    /// Bytes of the first `count` messages of `plan`.
    static func prefixBytes(_ plan: StreamPlan, messages count: Int) -> Int {
        plan.expectedMessageLengths.prefix(count).reduce(0) { $0 + GRPCFrame.prefixLength + $1 }
    }

    // MARK: complete

    @Test(arguments: [[1], [7, 13], [5], [4099], [16_384], [1 << 20], [3, 65_549, 1]])
    func aBurstyStampedServerStreamIsCompleteWhateverTheChunking(chunks: [Int]) {
        let plan = Self.serverStream
        var v = Self.started(plan)
        let completed = v.receive(SyntheticResponse.messages(for: plan, streamID: Self.streamID), chunkSizes: chunks)
        v.receiveGRPCTrailers()
        #expect(completed == 10)
        #expect(v.messagesReceived == 10)
        #expect(v.bytesReceived == plan.expectedBytes)
        #expect(v.isComplete)
        #expect(!v.messageCutShort)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .complete, detail: "", errorCode: nil))
    }

    @Test func anUnstampedServerStreamIsComplete() {
        var v = Self.started(Self.unstampedStream)
        v.receive(SyntheticResponse.messages(for: Self.unstampedStream, streamID: Self.streamID), chunkSizes: [1000, 333])
        v.receiveGRPCTrailers()
        #expect(v.verdict(Self.cleanClose).outcome == .complete)
        #expect(v.messagesReceived == 10)
    }

    @Test func bodiesTooShortForAStampAreCheckedBySizeOnly() {
        var v = Self.started(Self.tinyStream)
        v.receive(SyntheticResponse.messages(for: Self.tinyStream, streamID: Self.streamID), chunkSizes: [3])
        v.receiveGRPCTrailers()
        #expect(v.verdict(Self.cleanClose).outcome == .complete)
        #expect(v.bytesReceived == 5 * (5 + PayloadResponseLayout.encodedLength(bodySize: 8)))
    }

    @Test func aUnaryCallIsComplete() {
        var v = Self.started(Self.unary)
        let completed = v.receive(SyntheticResponse.messages(for: Self.unary, streamID: Self.streamID), chunkSizes: [11])
        v.receiveGRPCTrailers()
        #expect(completed == 1)
        #expect(v.verdict(Self.cleanClose).outcome == .complete)
        #expect(v.bytesReceived == 5 + PayloadResponseLayout.encodedLength(bodySize: 1024))
    }

    @Test func anHTTPGetIsComplete() {
        var v = Self.started(Self.httpGet)
        let completed = v.receive([UInt8](repeating: 0x62, count: 65_536), chunkSizes: [16_383, 1, 7])
        v.endStream()
        #expect(completed == 0, "a plain body has no messages")
        #expect(v.contentLength == 65_536)
        #expect(v.bytesReceived == 65_536)
        #expect(v.isComplete)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .complete, detail: "", errorCode: nil))
    }

    @Test func resetNoErrorAfterACompleteResponseIsStillComplete() {
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID))
        v.receiveGRPCTrailers()
        #expect(v.verdict(.closed(errorCode: 0, resetByPeer: true)).outcome == .complete)

        var h = Self.started(Self.httpGet)
        h.receive([UInt8](repeating: 0x62, count: 65_536))
        h.endStream()
        #expect(h.verdict(.closed(errorCode: 0, resetByPeer: true)).outcome == .complete)
    }

    // MARK: truncated

    @Test func okStatusWithFewerMessagesIsTruncated() {
        let plan = Self.serverStream
        var v = Self.started(plan)
        v.receive(SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: Array(0..<7)), chunkSizes: [999])
        v.receiveGRPCTrailers(status: 0)
        let bytes = Self.prefixBytes(plan, messages: 7)
        #expect(v.messagesReceived == 7)
        #expect(v.bytesReceived == bytes)
        #expect(!v.isComplete)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(
            outcome: .truncated, detail: "grpc-status 0 after 7/10 messages, \(bytes)/\(plan.expectedBytes) bytes", errorCode: nil))
    }

    @Test func aTrailersOnlyOKWithNoMessagesIsTruncated() {
        var v = StreamVerifier(plan: Self.serverStream, streamID: Self.streamID)
        v.receiveHeaders([(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "0")], endStream: true)
        let verdict = v.verdict(Self.cleanClose)
        #expect(verdict.outcome == .truncated)
        #expect(verdict.detail.hasPrefix("grpc-status 0 after 0/10 messages"))
    }

    @Test func missingTrailersAreTruncation() {
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID))
        v.endStream()   // END_STREAM on the last DATA frame, no trailers
        #expect(v.messagesReceived == 10)
        #expect(!v.sawTrailers)
        let verdict = v.verdict(Self.cleanClose)
        #expect(verdict.outcome == .truncated)
        #expect(verdict.detail.hasPrefix("trailers missing (no grpc-status) after 10/10 messages"))
    }

    /// Cut inside the gRPC prefix, the protobuf header, the stamp, and the pattern.
    @Test(arguments: [3, 7, 20, 500])
    func aMessageCutMidFrameIsTruncated(cutAfter: Int) {
        let plan = Self.serverStream
        var v = Self.started(plan)
        var bytes = SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: Array(0..<6))
        bytes += SyntheticResponse.message(bodySize: 1024, streamID: Self.streamID, index: 6, stamped: true).prefix(cutAfter)
        v.receive(bytes, chunkSizes: [777])
        v.receiveGRPCTrailers(status: 0)
        #expect(v.messageCutShort)
        #expect(v.messagesReceived == 6)
        let verdict = v.verdict(Self.cleanClose)
        #expect(verdict.outcome == .truncated)
        #expect(verdict.detail.hasPrefix("message 6 cut short after 6/10 messages, \(bytes.count)/"))
    }

    @Test func aShortHTTPBodyIsTruncated() {
        var v = Self.started(Self.httpGet)
        v.receive([UInt8](repeating: 0x62, count: 1000))
        v.endStream()
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .truncated, detail: "END_STREAM after 1000/65536 bytes", errorCode: nil))
    }

    @Test func aStreamClosedWithoutResponseHeadersIsTruncated() {
        let v = StreamVerifier(plan: Self.unary, streamID: Self.streamID)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .truncated, detail: "stream ended without response headers", errorCode: nil))
    }

    // MARK: reset

    @Test func aPeerResetMidStreamIsReset() {
        let plan = Self.serverStream
        var v = Self.started(plan)
        v.receive(SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: [0, 1, 2]))
        let bytes = Self.prefixBytes(plan, messages: 3)
        #expect(v.verdict(.closed(errorCode: 8, resetByPeer: true)) == StreamVerdict(
            outcome: .reset, detail: "RST_STREAM code 8 after 3/10 messages, \(bytes)/\(plan.expectedBytes) bytes", errorCode: 8))
    }

    @Test func aPeerResetWithNoErrorBeforeTheEndIsReset() {
        // All messages arrived but no trailers and no END_STREAM: RST_STREAM(NO_ERROR) cuts the response.
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID))
        let verdict = v.verdict(.closed(errorCode: 0, resetByPeer: true))
        #expect(verdict.outcome == .reset)
        #expect(verdict.errorCode == 0)
    }

    @Test func aCloseWithAnErrorCodeIsReset() {
        var v = Self.started(Self.httpGet)
        v.receive([UInt8](repeating: 0x62, count: 4096))
        #expect(v.verdict(.closed(errorCode: 2, resetByPeer: false)) == StreamVerdict(
            outcome: .reset, detail: "closed with code 2 after 4096/65536 bytes", errorCode: 2))
    }

    // MARK: goaway, connection lost, deadline

    @Test func goawayConnectionLossAndDeadlineNameWhyDataStopped() {
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID, indices: [0, 1]))
        let progress = "2/10 messages, \(Self.prefixBytes(Self.serverStream, messages: 2))/\(Self.serverStream.expectedBytes) bytes"

        #expect(v.verdict(.goaway(lastStreamID: 5, errorCode: 0)) == StreamVerdict(
            outcome: .goaway, detail: "GOAWAY (last-stream-id 5, code 0) after \(progress)", errorCode: 0))
        #expect(v.verdict(.connectionLost(reason: "peer closed the connection (EOF)")) == StreamVerdict(
            outcome: .connectionLost, detail: "peer closed the connection (EOF) after \(progress)", errorCode: nil))
        #expect(v.verdict(.deadline) == StreamVerdict(outcome: .deadline, detail: "client deadline after \(progress)", errorCode: nil,
                                                      deadlineSource: .client))
        #expect(v.verdict(.serverDeadline(errorCode: 8)) == StreamVerdict(
            outcome: .deadline, detail: "server deadline: RST_STREAM code 8 after the deadline, after \(progress)", errorCode: 8,
            deadlineSource: .server))
    }

    @Test func transportEndingsTakePrecedenceOverIntegrity() {
        var bytes = SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID, indices: [0])
        bytes[bytes.count - 1] ^= 0x01
        var v = Self.started(Self.serverStream)
        v.receive(bytes)
        #expect(v.integrityProblem != nil)
        #expect(v.verdict(.connectionLost(reason: "reset")).outcome == .connectionLost)
        #expect(v.verdict(.closed(errorCode: 0, resetByPeer: false)).outcome == .integrity)
    }

    // MARK: status errors

    @Test("the connection skips exactly the headers the verdict does not read")
    func headersTheVerdictReads() {
        func reads(_ name: String) -> StreamVerifier.ReadHeader? { Array(name.utf8).withUnsafeBytes { StreamVerifier.readHeader(named: $0) } }
        #expect(reads(":status") == .status && reads("grpc-status") == .grpcStatus && reads("content-length") == .contentLength)
        for other in ["server", "date", "grpc-message", "content-type", ":statuz", "grpc-statusx", "content-lengtH", "",
                      "Xstatus", ":Status", "grpc-statuS", "Grpc-status", "grpc_status", "Content-length", "content-Length",
                      ":stAtus", "grpc-sTatus", "contenT-length", "content-lenGth", "accept", "a", "set-cookie"] {
            #expect(reads(other) == nil, "\(other)")
        }
        // The connection's session delivers exactly the name lengths of these fields.
        let mask = ClientSession.headerLengthMask(for: StreamVerifier.readHeaderNames)
        for name in [":status", "grpc-status", "content-length"] {
            #expect(mask & 1 << UInt64(name.utf8.count) != 0, "\(name)")
        }
        #expect(StreamVerifier.readHeaderNames.allSatisfy { reads("\($0)") != nil })
        #expect(ClientConnection.readHeaderLengths == mask)
        // A skipped header changes nothing: a response whose `server` header is not fed is complete.
        var v = StreamVerifier(plan: Self.httpGet, streamID: Self.streamID)
        v.receiveHeaders([(":status", "200"), ("content-length", "65536")])
        v.receive([UInt8](repeating: 1, count: 65_536))
        v.endStream()
        #expect(v.verdict(Self.cleanClose).outcome == .complete)
    }

    @Test("header values are read as decimal digits only, 1 to 18 of them")
    func headerIntegers() {
        func parse(_ text: String) -> Int? { Array(text.utf8).withUnsafeBytes { StreamVerifier.parseInt($0) } }
        #expect(parse("200") == 200 && parse("0") == 0 && parse("65536") == 65_536)
        #expect(parse("999999999999999999") == 999_999_999_999_999_999)
        for bad in ["", "1000000000000000000", "-1", "+1", "12a", " 1", "1 ", "0x10", "/", ":"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aNonOKGRPCStatusIsAStatusError() {
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID))
        v.receiveGRPCTrailers(status: 13)
        #expect(v.grpcStatus == 13)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(
            outcome: .statusError,
            detail: "grpc-status 13 (INTERNAL) after 10/10 messages, \(Self.serverStream.expectedBytes)/\(Self.serverStream.expectedBytes) bytes",
            errorCode: nil))
    }

    @Test("grpc-status 4 from the server is the outcome deadline (source server), not a status error")
    func serverDeadlineExceededIsADeadline() {
        var v = Self.started(Self.serverStream)
        v.receive(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID, indices: [0, 1, 2]))
        v.receiveGRPCTrailers(status: 4)
        let verdict = v.verdict(Self.cleanClose)
        #expect(verdict.outcome == .deadline)
        #expect(verdict.deadlineSource == .server)
        #expect(verdict.detail.hasPrefix("server deadline: grpc-status 4 (DEADLINE_EXCEEDED) after 3/10 messages"))
        // The client's own timer gives the same outcome with the other source.
        #expect(v.verdict(.deadline).outcome == .deadline && v.verdict(.deadline).deadlineSource == .client)
        // Any other non-OK status stays a status error.
        var other = Self.started(Self.serverStream)
        other.receiveGRPCTrailers(status: 14)
        #expect(other.verdict(Self.cleanClose).outcome == .statusError)
        #expect(other.verdict(Self.cleanClose).deadlineSource == nil)
    }

    @Test func aTrailersOnlyErrorIsAStatusError() {
        var v = StreamVerifier(plan: Self.unary, streamID: Self.streamID)
        v.receiveHeaders([(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "12")], endStream: true)
        let verdict = v.verdict(Self.cleanClose)
        #expect(verdict.outcome == .statusError)
        #expect(verdict.detail.hasPrefix("grpc-status 12 (UNIMPLEMENTED) after 0/1 messages"))
    }

    @Test func aNon2xxHTTPStatusIsAStatusError() {
        var g = StreamVerifier(plan: Self.unary, streamID: Self.streamID)
        g.receiveHeaders([(":status", "503")], endStream: true)
        #expect(g.httpStatus == 503)
        #expect(g.verdict(Self.cleanClose) == StreamVerdict(outcome: .statusError, detail: ":status 503 after 0/1 messages, 0/\(Self.unary.expectedBytes) bytes", errorCode: nil))

        var h = StreamVerifier(plan: Self.httpGet, streamID: Self.streamID)
        h.receiveHeaders([(":status", "404"), ("content-length", "9")])
        h.receive(Array("not found".utf8))
        h.endStream()
        #expect(h.verdict(Self.cleanClose).outcome == .statusError)
        #expect(h.verdict(Self.cleanClose).detail == ":status 404 after 9/65536 bytes")
    }

    // MARK: reuse

    /// How the first stream of a reused verifier ends before ``StreamVerifier/restart(plan:streamID:checksumSeed:)``.
    enum FirstStream: CaseIterable {
        case complete, integrityProblem, cutInsideAMessage, statusError, httpTruncated
    }

    @Test("a restarted verifier judges its next stream exactly as a fresh one", arguments: FirstStream.allCases)
    func aRestartedVerifierIsAFreshOne(first: FirstStream) {
        var v: StreamVerifier
        switch first {
        case .complete:
            (v, _) = Self.verdictFor(Self.evenStream, bytes: SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID))
        case .integrityProblem:
            (v, _) = Self.verdictFor(Self.evenStream, bytes: SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID, indices: [0, 2]))
            #expect(v.integrityProblem != nil)
        case .cutInsideAMessage:
            v = Self.started(Self.serverStream)
            v.receive(Array(SyntheticResponse.messages(for: Self.serverStream, streamID: Self.streamID).prefix(3)))
            #expect(v.messageCutShort)
        case .statusError:
            (v, _) = Self.verdictFor(Self.unary, bytes: [], status: 13)
        case .httpTruncated:
            v = Self.started(Self.httpGet)
            v.receive(Array(repeating: 0x61, count: 100))
            v.endStream()
        }
        // The second stream: a different plan and id on the same object, judged on every path.
        let id: Int32 = 9
        v.restart(plan: Self.serverStream, streamID: id, checksumSeed: 0)
        var fresh = StreamVerifier(plan: Self.serverStream, streamID: id)
        v.receiveGRPCHeaders()
        fresh.receiveGRPCHeaders()
        let bytes = SyntheticResponse.messages(for: Self.serverStream, streamID: id)
        let completed = v.receive(bytes, chunkSizes: [777])
        #expect(completed == 10 && fresh.receive(bytes, chunkSizes: [777]) == 10)
        #expect(v.verdict(Self.cleanClose) == fresh.verdict(Self.cleanClose))  // no trailers yet: truncated on both
        v.receiveGRPCTrailers()
        fresh.receiveGRPCTrailers()
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .complete, detail: "", errorCode: nil))
        #expect(v.messagesReceived == fresh.messagesReceived)
        #expect(v.bytesReceived == fresh.bytesReceived)
        #expect(v.messagesSummed == fresh.messagesSummed && v.bytesSummed == fresh.bytesSummed)
        #expect(v.httpStatus == fresh.httpStatus && v.grpcStatus == fresh.grpcStatus && v.contentLength == fresh.contentLength)
        #expect(v.sawTrailers == fresh.sawTrailers && v.sawEndStream == fresh.sawEndStream)
        #expect(v.plan === Self.serverStream && v.streamID == id)
    }

    // MARK: integrity

    /// Feeds `bytes` after the headers, then OK trailers, and returns the verdict on a clean close.
    static func verdictFor(_ plan: StreamPlan, bytes: [UInt8], streamID: Int32 = streamID, status: Int = 0) -> (StreamVerifier, StreamVerdict) {
        var v = started(plan, streamID: streamID)
        v.receive(bytes, chunkSizes: [1_000, 17])
        v.receiveGRPCTrailers(status: status)
        return (v, v.verdict(cleanClose))
    }

    @Test func aMessageOfTheWrongSizeIsAnIntegrityFailure() {
        let plan = Self.serverStream
        var bytes = SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: [0, 1])
        bytes += SyntheticResponse.message(bodySize: 1000, streamID: Self.streamID, index: 2, stamped: true)
        bytes += SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: Array(3..<10))
        let (v, verdict) = Self.verdictFor(plan, bytes: bytes)
        #expect(v.messagesReceived == 10)
        #expect(verdict == StreamVerdict(
            outcome: .integrity,
            detail: "message 2: payload body 1000 bytes, planned 1024",
            errorCode: nil))
    }

    @Test func anExtraMessageIsAnIntegrityFailure() {
        let plan = Self.serverStream
        var bytes = SyntheticResponse.messages(for: plan, streamID: Self.streamID)
        bytes += SyntheticResponse.message(bodySize: 1024, streamID: Self.streamID, index: 10, stamped: true)
        let (v, verdict) = Self.verdictFor(plan, bytes: bytes)
        #expect(v.messagesReceived == 11)
        #expect(v.bytesReceived == bytes.count)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 10 beyond the 10 planned", errorCode: nil))
    }

    @Test func aStampSequenceGapIsAnIntegrityFailure() {
        let bytes = SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID, indices: [0, 1, 3, 4, 5, 5])
        let (_, verdict) = Self.verdictFor(Self.evenStream, bytes: bytes)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 2: sequence gap, got message 3", errorCode: nil))
    }

    @Test func aDuplicateMessageIsAnIntegrityFailure() {
        let bytes = SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID, indices: [0, 1, 1, 2, 3, 4])
        let (v, verdict) = Self.verdictFor(Self.evenStream, bytes: bytes)
        #expect(v.messagesReceived == 6)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 2: duplicate of message 1", errorCode: nil))
    }

    /// Body offsets: the send time, the checksum field, the pattern, the last byte (of a 1KiB body).
    @Test(arguments: [16, 24, 40, 500, 1023])
    func aFlippedByteIsAChecksumMismatch(bodyOffset: Int) {
        let plan = Self.serverStream
        var message4 = SyntheticResponse.message(bodySize: 1024, streamID: Self.streamID, index: 4, stamped: true)
        message4[SyntheticResponse.bodyOffset(bodySize: 1024) + bodyOffset] ^= 0x20
        var bytes = SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: Array(0..<4))
        bytes += message4
        bytes += SyntheticResponse.messages(for: plan, streamID: Self.streamID, indices: Array(5..<10))
        let (v, verdict) = Self.verdictFor(plan, bytes: bytes)
        #expect(v.messagesReceived == 10)
        #expect(v.bytesReceived == plan.expectedBytes, "same size, different content")
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 4: checksum mismatch", errorCode: nil))
    }

    @Test func aFlippedByteInTheBurstIsCaught() {
        let plan = Self.serverStream
        var bytes = SyntheticResponse.messages(for: plan, streamID: Self.streamID)
        let burstStart = Self.prefixBytes(plan, messages: 3)
        bytes[burstStart + 40_000] ^= 0xFF
        let (_, verdict) = Self.verdictFor(plan, bytes: bytes)
        #expect(verdict.outcome == .integrity)
        #expect(verdict.detail == "message 3: checksum mismatch")
    }

    @Test func aStampOfAnotherStreamIsAnIntegrityFailure() {
        let bytes = SyntheticResponse.messages(for: Self.evenStream, streamID: 3)
        let (_, verdict) = Self.verdictFor(Self.evenStream, bytes: bytes, streamID: 1)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 0: stamped for stream 3, arrived on 1", errorCode: nil))
    }

    @Test func aMissingStampIsAnIntegrityFailure() {
        var bytes: [UInt8] = []
        for i in 0..<6 { bytes += SyntheticResponse.message(bodySize: 100, streamID: Self.streamID, index: i, stamped: false) }
        let (_, verdict) = Self.verdictFor(Self.evenStream, bytes: bytes)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 0: body does not start with a stamp", errorCode: nil))
    }

    @Test func aCompressedMessageIsAnIntegrityFailure() {
        let bytes = SyntheticResponse.message(bodySize: 1024, streamID: Self.streamID, index: 0, stamped: true, compressed: true)
        let (_, verdict) = Self.verdictFor(Self.unary, bytes: bytes)
        #expect(verdict == StreamVerdict(outcome: .integrity, detail: "message 0 is compressed; the plan asked for none", errorCode: nil))
    }

    @Test func anAbsurdMessageLengthIsAFramingFailure() {
        var bytes: [UInt8] = [0, 0x7F, 0xFF, 0xFF, 0xFF]
        bytes += [UInt8](repeating: 0, count: 100)
        let (_, verdict) = Self.verdictFor(Self.unary, bytes: bytes)
        #expect(verdict.outcome == .integrity)
        #expect(verdict.detail.hasPrefix("gRPC framing:"))
    }

    @Test func integrityOutranksAStatusError() {
        var bytes = SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID)
        bytes[bytes.count - 3] ^= 0x01
        let (_, verdict) = Self.verdictFor(Self.evenStream, bytes: bytes, status: 13)
        #expect(verdict.outcome == .integrity)
    }

    @Test func aWrongContentLengthIsAnIntegrityFailure() {
        var v = StreamVerifier(plan: Self.httpGet, streamID: Self.streamID)
        v.receiveHeaders([(":status", "200"), ("content-length", "1000")])
        v.receive([UInt8](repeating: 0x62, count: 65_536))
        v.endStream()
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .integrity, detail: "content-length 1000, planned 65536", errorCode: nil))
    }

    @Test func anHTTPBodyLongerThanPlannedIsAnIntegrityFailure() {
        var v = StreamVerifier(plan: Self.httpGet, streamID: Self.streamID)
        v.receiveHeaders([(":status", "200")])
        v.receive([UInt8](repeating: 0x62, count: 65_537), chunkSizes: [65_536, 1])
        v.endStream()
        #expect(!v.isComplete)
        #expect(v.verdict(Self.cleanClose) == StreamVerdict(outcome: .integrity, detail: "body longer than planned: 65537 > 65536 bytes", errorCode: nil))
    }

    // MARK: progress text

    @Test func progressTextCountsMessagesAndBytes() {
        var v = Self.started(Self.evenStream)
        v.receive(SyntheticResponse.messages(for: Self.evenStream, streamID: Self.streamID, indices: [0, 1]))
        let one = 5 + PayloadResponseLayout.encodedLength(bodySize: 100)
        #expect(v.progressText == "2/6 messages, \(2 * one)/\(6 * one) bytes")
        #expect(Self.started(Self.httpGet).progressText == "0/65536 bytes")
    }
}

/// Responses are checked by decoding them: any valid encoding of the planned message is
/// `complete`, whoever wrote it; a wrong body size or an undecodable message is `integrity`.
@Suite("Decoded gRPC responses")
struct DecodedResponseTests {
    static func unaryPlan(responseSize: Int) -> StreamPlan {
        PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 1), responseSize: ByteCount(bytes: responseSize))),
                         stamped: false)
    }

    static func verdict(_ message: [UInt8], plan: StreamPlan) -> StreamVerdict {
        var v = StreamVerifierTests.started(plan)
        var frame: [UInt8] = []
        GRPCFrame.append(message, to: &frame)
        v.receive(frame, chunkSizes: [1, 2, 3])
        v.receiveGRPCTrailers(status: 0)
        return v.verdict(StreamVerifierTests.cleanClose)
    }

    @Test("grpcio's explicitly empty body, Go's omitted one, reordered fields and unknown fields are all complete")
    func otherValidEncodingsAreComplete() {
        let empty = Self.unaryPlan(responseSize: 0)
        #expect(Self.verdict([0x0A, 0x02, 0x12, 0x00], plan: empty).outcome == .complete, "grpcio: 4 bytes where h2stress writes 2")
        #expect(Self.verdict([0x0A, 0x00], plan: empty).outcome == .complete)
        #expect(Self.verdict([], plan: empty).outcome == .complete, "no payload at all")
        let three = Self.unaryPlan(responseSize: 3)
        #expect(Self.verdict([0x0A, 0x07, 0x12, 0x03, 1, 2, 3, 0x08, 0x01], plan: three).outcome == .complete, "body before type")
        #expect(Self.verdict([0x78, 0x05, 0x0A, 0x05, 0x12, 0x03, 1, 2, 3, 0x82, 0x01, 0x00], plan: three).outcome == .complete,
                "unknown fields around the payload")
    }

    @Test("a body one byte short or long is integrity, named by its decoded size")
    func wrongBodySizeIsIntegrity() {
        let verdict = Self.verdict([0x0A, 0x04, 0x12, 0x02, 1, 2], plan: Self.unaryPlan(responseSize: 3))
        #expect(verdict.outcome == .integrity && verdict.detail == "message 0: payload body 2 bytes, planned 3")
        let long = Self.verdict([0x0A, 0x06, 0x12, 0x04, 1, 2, 3, 4], plan: Self.unaryPlan(responseSize: 3))
        #expect(long.outcome == .integrity && long.detail == "message 0: payload body 4 bytes, planned 3")
    }

    @Test("an undecodable message is integrity with the decode error named")
    func undecodableIsIntegrity() {
        let verdict = Self.verdict([0x0A, 0x05, 0x12, 0x03, 0x01], plan: Self.unaryPlan(responseSize: 3))
        #expect(verdict.outcome == .integrity)
        #expect(verdict.detail == "message 0: undecodable protobuf: field 1 at byte 0 runs past the end of its message")
    }
}
