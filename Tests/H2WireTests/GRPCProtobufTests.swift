import Foundation
import Testing
@testable import H2Wire

// MARK: - Fixtures (written by Fixtures/make_fixtures.py with the python protobuf runtime)

/// `Fixtures/fixtures.json`.
private struct FixtureIndex: Decodable {
    var fixtures: [Fixture]
}

private struct Fixture: Decodable, CustomTestStringConvertible {
    var file: String
    var type: String
    var encode: Bool
    var length: Int
    var fields: Fields
    var testDescription: String { file }
}

private struct Fields: Decodable {
    var response_type: Int32?
    var response_parameters: [Parameters]?
    var response_size: Int32?
    var payload: BodySpec?
}

private struct Parameters: Decodable {
    var size: Int32
    var interval_us: Int32
}

/// How a payload body was generated (see make_fixtures.py).
private struct BodySpec: Decodable {
    var kind: String
    var size: Int
    var type: Int32?
    var stream_id: UInt32?
    var index: UInt32?
    var send_time_ns: UInt64?

    /// The body bytes, made the Swift way (the stamp kind uses ``MessageStamp``).
    func body() -> [UInt8] {
        switch kind {
        case "zeros": return [UInt8](repeating: 0, count: size)
        case "ramp": return (0..<size).map { UInt8(truncatingIfNeeded: 7 &* $0 &+ 3) }
        case "stamp":
            var body = [UInt8](repeating: 0xAA, count: size)
            body.withUnsafeMutableBytes {
                _ = MessageStamp.write(into: $0, streamID: stream_id!, index: index!, bodyLength: size,
                                       sendTimeNs: send_time_ns!)
            }
            return body
        default:
            Issue.record("unknown body kind \(kind)")
            return []
        }
    }

    var payload: Payload { Payload(type: type ?? 0, body: body()) }
}

private let fixtureDirectory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

private let fixtures: [Fixture] = {
    let data = try! Data(contentsOf: fixtureDirectory.appendingPathComponent("fixtures.json"))
    return try! JSONDecoder().decode(FixtureIndex.self, from: data).fixtures
}()

private func bytes(of fixture: Fixture) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: fixtureDirectory.appendingPathComponent(fixture.file)))
}

private func fixtures(ofType type: String) -> [Fixture] { fixtures.filter { $0.type == type } }

@Test func fixtureIndexCoversEveryMessageType() throws {
    let types = Set(fixtures.map(\.type))
    #expect(types == ["StreamingOutputCallRequest", "SimpleRequest", "StreamingOutputCallResponse", "SimpleResponse"])
    for fixture in fixtures {
        #expect(try bytes(of: fixture).count == fixture.length, "\(fixture.file)")
    }
}

@Test(arguments: fixtures(ofType: "StreamingOutputCallRequest"))
private func streamingRequestFixture(_ fixture: Fixture) throws {
    let wire = try bytes(of: fixture)
    let decoded = try wire.withUnsafeBytes { try StreamingOutputCallRequest.decode($0) }
    let expected = StreamingOutputCallRequest(
        responseType: fixture.fields.response_type ?? 0,
        responseParameters: (fixture.fields.response_parameters ?? []).map {
            ResponseParameters(size: $0.size, intervalUs: $0.interval_us)
        },
        payload: fixture.fields.payload?.payload)
    #expect(decoded == expected)
    if fixture.encode {
        #expect(expected.encoded() == wire)
        if fixture.fields.payload == nil || fixture.fields.payload?.kind == "zeros" {
            let params = expected.responseParameters.map { (size: $0.size, intervalUs: $0.intervalUs) }
            #expect(encodeStreamingOutputCallRequest(params: params, payloadSize: fixture.fields.payload?.size ?? 0) == wire)
        }
    }
}

@Test(arguments: fixtures(ofType: "SimpleRequest"))
private func simpleRequestFixture(_ fixture: Fixture) throws {
    let wire = try bytes(of: fixture)
    let decoded = try wire.withUnsafeBytes { try SimpleRequest.decode($0) }
    let expected = SimpleRequest(responseType: fixture.fields.response_type ?? 0,
                                 responseSize: fixture.fields.response_size ?? 0,
                                 payload: fixture.fields.payload?.payload)
    #expect(decoded == expected)
    if fixture.encode {
        #expect(expected.encoded() == wire)
        #expect(SimpleRequest.encoded(responseSize: expected.responseSize,
                                      payloadSize: fixture.fields.payload?.size ?? 0) == wire)
    }
}

@Test(arguments: fixtures(ofType: "StreamingOutputCallResponse") + fixtures(ofType: "SimpleResponse"))
private func responseFixture(_ fixture: Fixture) throws {
    let wire = try bytes(of: fixture)
    let spec = try #require(fixture.fields.payload)
    let payload = spec.payload
    if fixture.type == "SimpleResponse" {
        #expect(try wire.withUnsafeBytes { try SimpleResponse.decode($0) } == SimpleResponse(payload: payload))
    } else {
        #expect(try wire.withUnsafeBytes { try StreamingOutputCallResponse.decode($0) }
                == StreamingOutputCallResponse(payload: payload))
    }
    // The streaming decoder finds the same body as the runtime, whatever else the message holds.
    var decoder = PayloadBodyDecoder(messageLength: wire.count)
    var sink = BodyLengthSink()
    wire.withUnsafeBytes { decoder.feed($0, into: &sink) }
    decoder.finish()
    #expect(decoder.error == nil && decoder.bodyLength == spec.size && sink.bytes == spec.size)
    if fixture.encode {
        // The hot-path writer: header, then the body, into a caller's buffer.
        #expect(StreamingOutputCallResponse(payload: payload).encoded() == wire)
        #expect(PayloadResponseLayout.encodedLength(bodySize: spec.size) == wire.count)
        #expect(SimpleResponse.encodedLength(bodySize: spec.size) == wire.count)
        var out = [UInt8](repeating: 0xCC, count: wire.count)
        out.withUnsafeMutableBytes { buffer in
            let header = PayloadResponseLayout.writeHeader(bodySize: spec.size, to: buffer.baseAddress!)
            #expect(header == PayloadResponseLayout.headerLength(bodySize: spec.size))
            payload.body.withUnsafeBytes { body in
                if body.count > 0 { (buffer.baseAddress! + header).copyMemory(from: body.baseAddress!, byteCount: body.count) }
            }
        }
        #expect(out == wire)
        #expect(decoder.bodyOffset == (spec.size > 0 ? wire.count - spec.size : nil))
    }
}

/// Counts the body bytes the decoder hands on.
private struct BodyLengthSink: PayloadBodySink {
    var bytes = 0
    mutating func bodyStarted(length: Int) { bytes = 0 }
    mutating func body(_ chunk: UnsafeRawBufferPointer) { bytes += chunk.count }
}

// MARK: - Hand-made inputs

private func decodeRequest(_ bytes: [UInt8]) throws -> StreamingOutputCallRequest {
    try bytes.withUnsafeBytes { try StreamingOutputCallRequest.decode($0) }
}

@Test func varintLengthsAndBytes() throws {
    let cases: [(UInt64, [UInt8])] = [
        (0, [0]), (1, [1]), (127, [0x7F]), (128, [0x80, 1]), (300, [0xAC, 2]), (16383, [0xFF, 0x7F]),
        (16384, [0x80, 0x80, 1]), (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1]),
    ]
    for (value, expected) in cases {
        #expect(ProtobufWriter.varintLength(value) == expected.count)
        var buffer = [UInt8](repeating: 0, count: 10)
        let n = buffer.withUnsafeMutableBytes { ProtobufWriter.writeVarint(value, to: $0.baseAddress!) }
        #expect(Array(buffer[..<n]) == expected)
        var writer = ProtobufWriter()
        writer.appendVarint(value)
        #expect(writer.bytes == expected)
        let decoded = try expected.withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            let value = try reader.readVarint()
            #expect(reader.isAtEnd)
            return value
        }
        #expect(decoded == value)
    }
}

@Test func everyTruncationOfAValidRequestIsRejectedOrShorter() throws {
    let parameters = [ResponseParameters(size: 1_000_000, intervalUs: 20), ResponseParameters(size: -1)]
    let payload = Payload(body: [1, 2, 3, 4, 5])
    let full = StreamingOutputCallRequest(responseParameters: parameters, payload: payload).encoded()
    #expect(try decodeRequest(full).responseParameters.count == 2)
    // A cut at a field boundary decodes (fewer fields); a cut inside a field must throw.
    let boundaries: Set<Int> = [
        0,
        StreamingOutputCallRequest(responseParameters: [parameters[0]]).encoded().count,
        StreamingOutputCallRequest(responseParameters: parameters).encoded().count,
        full.count,
    ]
    #expect(boundaries.count == 4)
    for cut in 0..<full.count {
        let prefix = Array(full[..<cut])
        if boundaries.contains(cut) {
            #expect(throws: Never.self, "cut at \(cut)") { _ = try decodeRequest(prefix) }
        } else {
            #expect(throws: GRPCWireError.self, "cut at \(cut)") { _ = try decodeRequest(prefix) }
        }
    }
}

@Test func malformedInputsThrowTheRightError() {
    // 11-byte varint.
    #expect(throws: GRPCWireError.malformedVarint(offset: 1)) {
        try decodeRequest([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01])
    }
    // Field number 0, and wire type 7.
    #expect(throws: GRPCWireError.invalidTag(offset: 0, tag: 0)) { try decodeRequest([0x00, 0x01]) }
    #expect(throws: GRPCWireError.invalidTag(offset: 0, tag: 0x0F)) { try decodeRequest([0x0F]) }
    // Length running past the end.
    #expect(throws: GRPCWireError.invalidLength(offset: 1, length: 5)) { try decodeRequest([0x12, 0x05, 0x08]) }
    // Known field with a wrong wire type (response_parameters as varint).
    #expect(throws: GRPCWireError.self) { try decodeRequest([0x10, 0x01]) }
    // Unknown fixed64/fixed32 cut short.
    #expect(throws: GRPCWireError.truncated(offset: 1)) { try decodeRequest([0x49, 1, 2, 3]) }
    #expect(throws: GRPCWireError.truncated(offset: 1)) { try decodeRequest([0x55, 1, 2]) }
    // A group that is never closed, closed by another field's end tag, or a stray end tag.
    #expect(throws: GRPCWireError.malformedGroup(offset: 1)) { try decodeRequest([0x2B, 0x08, 0x01]) }
    #expect(throws: GRPCWireError.self) { try decodeRequest([0x2B, 0x34]) }
    #expect(throws: GRPCWireError.self) { try decodeRequest([0x2C]) }
    // Groups nested beyond the depth limit.
    let deep = (0..<40).flatMap { _ in [UInt8(0x2B)] } + (0..<40).flatMap { _ in [UInt8(0x2C)] }
    #expect(throws: GRPCWireError.malformedGroup(offset: 33)) { try decodeRequest(deep) }
}

@Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
    var bytes: [UInt8] = []
    bytes += [0x2B, 0x08, 0x07, 0x33, 0x12, 0x00, 0x34, 0x2C]      // group 5 holding a nested group 6
    bytes += [0x12, 0x02, 0x08, 0x09]                               // response_parameters { size: 9 }
    bytes += [0x49] + [UInt8](repeating: 0xAB, count: 8)            // field 9, fixed64
    bytes += [0x55, 1, 2, 3, 4]                                     // field 10, fixed32
    bytes += [0x60, 0xFF, 0xFF, 0x03]                               // field 12, varint
    bytes += [0x6A, 0x03, 0x61, 0x62, 0x63]                         // field 13, bytes
    bytes += [0x08, 0x01]                                           // response_type = 1
    let decoded = try decodeRequest(bytes)
    #expect(decoded == StreamingOutputCallRequest(responseType: 1, responseParameters: [ResponseParameters(size: 9)]))
}

@Test func repeatedPayloadFieldsMerge() throws {
    // payload { type: 1 } then payload { body: "hi" } → one payload with both.
    let decoded = try decodeRequest([0x1A, 0x02, 0x08, 0x01, 0x1A, 0x04, 0x12, 0x02, 0x68, 0x69])
    #expect(decoded.payload == Payload(type: 1, body: [0x68, 0x69]))
}

@Test func responseHeaderLengthsAtVarintBoundaries() {
    // body → header bytes: 0 → 2 (0A 00); 1…125 → 4; 126…16380 → 6 (outer length needs 2 bytes at 128+).
    let cases: [(Int, Int)] = [(0, 2), (1, 4), (125, 4), (126, 5), (127, 5), (128, 6), (16380, 6), (16381, 7),
                               (16383, 7), (16384, 8), (70000, 8), (Int(Int32.max), 12)]
    for (body, header) in cases {
        #expect(PayloadResponseLayout.headerLength(bodySize: body) == header, "body \(body)")
        #expect(PayloadResponseLayout.encodedLength(bodySize: body) == header + body)
        #expect(header <= PayloadResponseLayout.maxHeaderLength)
        if body <= 70000 {
            let reference = StreamingOutputCallResponse(payload: Payload(body: [UInt8](repeating: 1, count: body))).encoded()
            #expect(reference.count == header + body, "body \(body)")
        }
    }
}

