import Testing
import H2Wire

@Suite("HTTP/2 error codes")
struct HTTP2ErrorCodeTests {
    @Test("one name per RFC 9113 code, in code order; undefined codes have none")
    func names() {
        #expect(HTTP2ErrorCode.named.count == 14)
        for (index, entry) in HTTP2ErrorCode.named.enumerated() {
            #expect(entry.code.rawValue == UInt32(index))
            #expect(entry.code.name == entry.name)
        }
        #expect(HTTP2ErrorCode.cancel.name == "CANCEL" && HTTP2ErrorCode.cancel.rawValue == 8)
        #expect(HTTP2ErrorCode(rawValue: 0x2a).name == nil)
    }
}
