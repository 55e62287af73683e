import CLinux
import Testing

/// The nghttp2 session allocator (`CLinux_pool_*`, sessionpool.c): freed small blocks come back
/// for the same size class, `calloc` zeroes, `realloc` keeps the bytes across classes and into
/// glibc-sized blocks, and every pointer keeps glibc's 16-byte alignment.
struct SessionPoolTests {
    @Test("a freed block is handed out again for a size of the same class, and not for another")
    func reuseBySizeClass() throws {
        let pool = try #require(CLinux_pool_new())
        defer { CLinux_pool_del(pool) }
        let user = UnsafeMutableRawPointer(pool)
        let a = try #require(CLinux_pool_malloc(100, user))
        CLinux_pool_free(a, user)
        let b = try #require(CLinux_pool_malloc(112, user))   // 97…112 bytes: the same 16-byte class
        #expect(a == b)
        let c = try #require(CLinux_pool_malloc(100, user))   // the list is empty again
        #expect(c != b)
        CLinux_pool_free(c, user)
        let d = try #require(CLinux_pool_malloc(200, user))   // another class: not c
        #expect(d != c)
        for p in [b, d] { CLinux_pool_free(p, user) }
        CLinux_pool_free(nil, user)
    }

    @Test("calloc zeroes a reused block; realloc keeps the bytes, growing within and beyond 1 KiB")
    func callocAndRealloc() throws {
        let pool = try #require(CLinux_pool_new())
        defer { CLinux_pool_del(pool) }
        let user = UnsafeMutableRawPointer(pool)
        let dirty = try #require(CLinux_pool_malloc(64, user))
        dirty.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 64)
        CLinux_pool_free(dirty, user)
        let zeroed = try #require(CLinux_pool_calloc(8, 8, user))
        #expect(zeroed == dirty, "the same block, reused")
        #expect(UnsafeRawBufferPointer(start: zeroed, count: 64).allSatisfy { $0 == 0 })
        #expect(CLinux_pool_calloc(Int.max, 3, user) == nil, "count × size overflows")
        #expect(CLinux_pool_malloc(Int(bitPattern: UInt(bitPattern: -8)), user) == nil, "size + header overflows")

        var p = zeroed
        for i in 0..<64 { p.storeBytes(of: UInt8(i), toByteOffset: i, as: UInt8.self) }
        for size in [64, 65, 500, 1024, 1025, 70_000] {
            p = try #require(CLinux_pool_realloc(p, size, user))
            #expect(Int(bitPattern: p) % 16 == 0, "aligned at \(size)")
            #expect((0..<64).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == UInt8($0) }, "bytes kept at \(size)")
        }
        #expect(CLinux_pool_realloc(p, 0, user) == nil, "realloc to 0 frees")
        let fresh = try #require(CLinux_pool_realloc(nil, 10, user))
        CLinux_pool_free(fresh, user)
    }

    @Test("many blocks of every class in and out: nothing crosses classes, the pool frees what it keeps")
    func churn() throws {
        let pool = try #require(CLinux_pool_new())
        defer { CLinux_pool_del(pool) }
        let user = UnsafeMutableRawPointer(pool)
        var live: [(UnsafeMutableRawPointer, Int, UInt8)] = []
        for round in 0..<20 {
            for size in stride(from: 1, through: 2_000, by: 37) {
                let p = try #require(CLinux_pool_malloc(size, user))
                let mark = UInt8(truncatingIfNeeded: size &+ round)
                p.initializeMemory(as: UInt8.self, repeating: mark, count: size)
                live.append((p, size, mark))
            }
            // Free every other block: the next round reuses them.
            var kept: [(UnsafeMutableRawPointer, Int, UInt8)] = []
            for (i, block) in live.enumerated() {
                #expect(UnsafeRawBufferPointer(start: block.0, count: block.1).allSatisfy { $0 == block.2 }, "block of \(block.1) overwritten")
                if i % 2 == 0 { CLinux_pool_free(block.0, user) } else { kept.append(block) }
            }
            live = kept
        }
        for block in live { CLinux_pool_free(block.0, user) }
    }
}
