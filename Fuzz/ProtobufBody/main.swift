// libFuzzer target: any bytes as one protobuf response message (`SimpleResponse` or
// `StreamingOutputCallResponse`), decoded by PayloadBodyDecoder in chunks of 1…256 bytes (the
// first byte picks the size). Beyond "never crash", it checks the decoder's own promises and
// traps when one breaks: the offset never passes the message, a body never runs past the
// message, and a message decoded without error hands on exactly the body length it reports.
// Built and run by scripts/fuzz.sh.
import H2Wire

struct CountingSink: PayloadBodySink {
    var started = 0
    var delivered = 0
    var declared = 0

    mutating func bodyStarted(length: Int) {
        started += 1
        declared = length
        delivered = 0
    }

    mutating func body(_ bytes: UnsafeRawBufferPointer) {
        delivered += bytes.count
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtobufBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunk = Int(data[0]) + 1
    let length = size - 1
    var decoder = PayloadBodyDecoder(messageLength: length)
    var sink = CountingSink()
    var offset = 1
    while offset < size {
        let n = min(chunk, size - offset)
        decoder.feed(UnsafeRawBufferPointer(start: data + offset, count: n), into: &sink)
        precondition(decoder.offset <= length, "offset \(decoder.offset) past the message (\(length))")
        precondition(sink.delivered <= sink.declared, "body bytes past the declared length")
        offset += n
    }
    decoder.finish()
    if decoder.error == nil {
        precondition(decoder.isComplete, "no error, but the message is not complete")
        precondition(decoder.bodyLength <= length, "body length \(decoder.bodyLength) in a \(length)-byte message")
        if sink.started > 0 {
            precondition(sink.delivered == sink.declared && decoder.bodyLength == sink.declared,
                         "body: \(sink.delivered) delivered, \(sink.declared) declared, \(decoder.bodyLength) reported")
        } else {
            precondition(decoder.bodyLength == 0, "a body length without a body")
        }
    }
    return 0
}
