// libFuzzer target: any bytes as a run.json, as `report`, `gate`, `compare` and `merge` read the
// files users pass around: decode, render report.md and report.html, and merge each cell with
// itself as two shards would be. Every input must decode or be refused — never a crash. Built
// and run by scripts/fuzz.sh.
import Foundation
import H2Report
import H2Results

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let run = try? RunResult.decode(from: Data(bytes: data, count: size)) else { return 0 }
    _ = MarkdownReport.render(run, gate: nil)
    _ = HTMLReport.render(run)
    for cell in run.cells {
        let part = CellMerge.Part(label: "0/2", cell: cell, measuredFrom: run.shard?.cells.first?.measuredFrom)
        _ = try? CellMerge.merge([part, CellMerge.Part(label: "1/2", cell: cell, measuredFrom: part.measuredFrom)])
    }
    return 0
}
