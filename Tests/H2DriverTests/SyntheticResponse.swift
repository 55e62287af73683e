import H2Wire
@testable import H2Driver

/// Builds response bytes the way the embedded server writes them (gRPC prefix, payload-only
/// response header, stamped or patterned body), so ``StreamVerifier`` can be tested on
/// synthetic frame sequences without sockets.
enum SyntheticResponse {
    /// One whole gRPC message frame whose payload body is `bodySize` bytes.
    ///
    /// `stamped` writes a ``MessageStamp`` for (`streamID`, `index`) as the server does;
    /// otherwise the body is filled with `a` (what the server sends when not asked to stamp).
    static func message(bodySize: Int, streamID: Int32, index: Int, stamped: Bool, compressed: Bool = false) -> [UInt8] {
        let length = PayloadResponseLayout.encodedLength(bodySize: bodySize)
        var frame = [UInt8](repeating: 0, count: GRPCFrame.prefixLength + length)
        frame.withUnsafeMutableBytes { buf in
            let base = buf.baseAddress!
            GRPCFrame.writePrefix(payloadLength: length, compressed: compressed, to: base)
            let header = PayloadResponseLayout.writeHeader(bodySize: bodySize, to: base + GRPCFrame.prefixLength)
            let body = UnsafeMutableRawBufferPointer(rebasing: buf[(GRPCFrame.prefixLength + header)...])
            precondition(body.count == bodySize, "test helper: body size mismatch")
            if stamped {
                MessageStamp.write(into: body, streamID: UInt32(bitPattern: streamID), index: UInt32(index),
                                   bodyLength: bodySize, sendTimeNs: 1_700_000_000_000_000_000 + UInt64(index))
            } else {
                body.initializeMemory(as: UInt8.self, repeating: 0x61)
            }
        }
        return frame
    }

    /// The messages `indices` of `plan` (default: all of them, in order), concatenated, stamped
    /// when the plan is.
    static func messages(for plan: StreamPlan, streamID: Int32, indices: [Int]? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        for i in indices ?? Array(plan.expectedBodySizes.indices) {
            bytes += message(bodySize: plan.expectedBodySizes[i], streamID: streamID, index: i, stamped: plan.stamped)
        }
        return bytes
    }

    /// Offset in a frame from ``message(bodySize:streamID:index:stamped:compressed:)`` where its body starts.
    static func bodyOffset(bodySize: Int) -> Int {
        GRPCFrame.prefixLength + PayloadResponseLayout.headerLength(bodySize: bodySize)
    }
}

extension StreamVerifier {
    /// Feeds one header block (`fields` in order), then its end.
    mutating func receiveHeaders(_ fields: [(String, String)], isTrailer: Bool = false, endStream: Bool = false) {
        for (name, value) in fields {
            let n = Array(name.utf8)
            let v = Array(value.utf8)
            n.withUnsafeBytes { nb in
                v.withUnsafeBytes { vb in header(name: nb, value: vb, isTrailer: isTrailer) }
            }
        }
        headersComplete(isTrailer: isTrailer, endStream: endStream)
        if endStream { self.endStream() }
    }

    /// The usual response headers of a gRPC response.
    mutating func receiveGRPCHeaders() {
        receiveHeaders([(":status", "200"), ("content-type", "application/grpc")])
    }

    /// gRPC trailers with `status`, ending the stream.
    mutating func receiveGRPCTrailers(status: Int = 0) {
        receiveHeaders([("grpc-status", String(status)), ("grpc-message", "")], isTrailer: true, endStream: true)
    }

    /// Feeds `bytes` as DATA chunks whose sizes cycle through `chunkSizes`; returns the number
    /// of messages the verifier reported complete.
    @discardableResult
    mutating func receive(_ bytes: [UInt8], chunkSizes: [Int] = [16_384]) -> Int {
        var completed = 0
        var offset = 0
        var k = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = min(chunkSizes[k % chunkSizes.count], raw.count - offset)
                completed += data(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
                offset += n
                k += 1
            }
        }
        return completed
    }
}
