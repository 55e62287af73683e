// libFuzzer target: any bytes as a run.json, as `report`, `gate` and `compare` read the files
// users pass around: decode, then render report.md and report.html. Every input must decode or
// be refused — never a crash. Built and run by scripts/fuzz.sh.
import Foundation
import H2Report
import H2Results

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let run = try? RunResult.decode(from: Data(bytes: data, count: size)) else { return 0 }
    _ = MarkdownReport.render(run, gate: nil)
    _ = HTMLReport.render(run)
    return 0
}
