// libFuzzer target: any bytes as a profile (YAML → validated profile → cells). Every input must
// end in a profile or a ProfileError — never a crash, a hang or unbounded memory. Built and run
// by scripts/fuzz.sh (not part of the package: libFuzzer brings its own main).
import H2Profile

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfileLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ProfileLoader.parse(yaml: text, file: "fuzz.yaml", overrides: [])
    return 0
}
