/// Calls `body(rows, columns)` for every tile on or below the diagonal of an `n x n` matrix cut
/// into `tile x tile` tiles (the last row and column of tiles shorter), each tile a task of
/// `parallelFor` on up to `threads` threads: the lower triangle of a symmetric product
/// (`C ± A · Aᵀ`), where the tiles above the diagonal would repeat the ones below.
///
/// A diagonal tile is whole, so `body` also writes the part of it above the diagonal.
/// - Complexity: `t (t + 1) / 2` calls for `t = ⌈n / tile⌉`.
func forEachLowerTile(n: Int, tile: Int, threads: Int, _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
    precondition(tile > 0, "tiles must be at least 1 x 1")
    let tiles = (n + tile - 1) / tile
    // Tile (r, c), c <= r, is task r (r + 1) / 2 + c.
    var rowOfTask: [Int] = []
    rowOfTask.reserveCapacity(tiles * (tiles + 1) / 2)
    for r in 0 ..< tiles { rowOfTask += repeatElement(r, count: r + 1) }
    parallelFor(rowOfTask.count, threads: threads) { task in
        let r = rowOfTask[task]
        let c = task - r * (r + 1) / 2
        body(r * tile ..< min(n, (r + 1) * tile), c * tile ..< min(n, (c + 1) * tile))
    }
}
