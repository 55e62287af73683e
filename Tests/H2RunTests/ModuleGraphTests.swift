import Foundation
import Testing

/// The module graph of `Package.swift` runs one way: each source module may depend only on
/// modules of an earlier layer. `scripts/test.sh` builds with
/// `--explicit-target-dependency-import-check error`, so an `import` of an undeclared module
/// fails the build; this test keeps the declared dependencies themselves in layer order, so
/// a back-edge cannot be added by declaring it either.
struct ModuleGraphTests {
    /// Layers, lowest first; a module may depend on modules of earlier layers only.
    static let layers: [[String]] = [
        ["CNghttp2", "CLinux"],
        ["H2Loop", "H2Wire"],
        ["H2Profile"],
        ["H2Results"],
        ["H2Driver", "H2Target", "H2Report", "H2Metrics"],
        ["H2Run"],
        ["H2Bench"],
        ["h2stress"],
    ]

    static func layer(of module: String) -> Int? {
        layers.firstIndex { $0.contains(module) }
    }

    /// `name → [local target dependencies]` for every `.target`/`.executableTarget` in `text`.
    static func sourceTargets(_ text: String) -> [String: [String]] {
        var graph: [String: [String]] = [:]
        let declaration = /\.(?:target|executableTarget)\(\s*name:\s*"(\w+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?/
        for match in text.matches(of: declaration) {
            let name = String(match.1)
            let list = (match.2.map(String.init) ?? "").replacing(/\.product\([^)]*\)/, with: "")
            let local = list.matches(of: /"(\w+)"/).map { String($0.1) }
            graph[name] = local
        }
        return graph
    }

    static func packageText() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    }

    @Test("every source module depends only on modules of earlier layers")
    func dependenciesPointDown() throws {
        let graph = Self.sourceTargets(try Self.packageText()).filter { $0.key != "H2TestSupport" }
        #expect(Set(graph.keys) == Set(Self.layers.flatMap { $0 }).subtracting(["CNghttp2"]), "the layers list every source module")
        for (module, dependencies) in graph {
            let own = try #require(Self.layer(of: module), "\(module) is in no layer")
            for dependency in dependencies {
                let theirs = try #require(Self.layer(of: dependency), "\(dependency) is in no layer")
                #expect(theirs < own, "\(module) depends on \(dependency), which is not below it")
            }
        }
    }

    @Test("the check sees a back-edge")
    func aBackEdgeIsFound() {
        let graph = Self.sourceTargets("""
            .target(name: "H2Profile", dependencies: ["H2Loop", "H2Driver", .product(name: "Yams", package: "Yams")]),
            """)
        #expect(graph["H2Profile"] == ["H2Loop", "H2Driver"])
        #expect(Self.layer(of: "H2Driver")! > Self.layer(of: "H2Profile")!)
    }
}
