// libFuzzer target: any bytes as a gRPC response stream's DATA, fed to the reader that checks
// stamps and decodes every message body (GRPCMessageReader with checksStamps). The first byte
// picks the chunk size (1…256), so message boundaries fall at every position. Every input must
// end in messages or a GRPCWireError — never a crash. Built and run by scripts/fuzz.sh.
import H2Wire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGRPCReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunk = Int(data[0]) + 1
    var reader = GRPCMessageReader(maxMessageLength: 1 << 20, checksStamps: true, checksum: .all, checksumSeed: 7)
    var offset = 1
    var messages = 0
    while offset < size {
        let n = min(chunk, size - offset)
        do {
            try reader.feed(UnsafeRawBufferPointer(start: data + offset, count: n)) { _ in messages += 1 }
        } catch {
            return 0
        }
        offset += n
    }
    _ = reader.midMessage
    return 0
}
