// libFuzzer target: any bytes as an `h2stress-fault` request header, as the embedded server
// parses it. Every input must parse or give a ParseError; a parsed fault must print back to a
// header that parses to the same fault. Built and run by scripts/fuzz.sh.
import H2Wire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFaultHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if case .success(let fault) = Fault.parse(text) {
        guard case .success(let again) = Fault.parse(fault.description), again.description == fault.description else {
            fatalError("`\(text)` parsed, but its canonical form `\(fault.description)` does not parse back to itself")
        }
    }
    return 0
}
