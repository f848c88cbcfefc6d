/// The merge table of a BPE model: for a pair of token ids, the merge's rank (its line in the
/// `merges` list, lowest first) and the id of the merged token.
///
/// When a pair is listed twice the later line wins, as collecting `tokenizers`' merges into a
/// hash map does.
struct BPEMerges: Sendable {
    private var table: [UInt64: (rank: Int, mergedID: Int)] = [:]

    init() {}

    mutating func add(left: Int, right: Int, rank: Int, mergedID: Int) {
        table[Self.key(left, right)] = (rank, mergedID)
    }

    /// The merge of the pair `left right`, if there is one.
    func merge(_ left: Int, _ right: Int) -> (rank: Int, mergedID: Int)? {
        table[Self.key(left, right)]
    }

    /// `symbols` after every merge: repeatedly the adjacent pair of lowest rank, the leftmost
    /// among equal ranks, as `tokenizers`' `Word::merge_all`. Like it, a min-heap of candidate
    /// pairs keyed by (rank, position) over a linked list of symbols; a popped candidate whose
    /// symbols have changed since it was pushed is skipped.
    ///
    /// - Complexity: O(n log n) for n symbols (a word of a megabyte stays fast).
    func merged(_ symbols: [Int]) -> [Int] {
        let count = symbols.count
        guard count > 1 else { return symbols }
        var ids = symbols
        // next[i] == count: i is last; previous[i] == -1: i is first.
        var next = Array(1 ... count), previous = Array(-1 ..< count - 1)
        var removed = [Bool](repeating: false, count: count)
        var queue = MergeQueue()
        for position in 0 ..< count - 1 {
            if let merge = merge(ids[position], ids[position + 1]) { queue.push(merge.rank, position, merge.mergedID) }
        }
        while let top = queue.pop() {
            let position = top.position
            guard !removed[position], next[position] < count else { continue }
            let right = next[position]
            guard merge(ids[position], ids[right])?.mergedID == top.mergedID else { continue }
            ids[position] = top.mergedID
            removed[right] = true
            next[position] = next[right]
            if next[right] < count { previous[next[right]] = position }
            if previous[position] >= 0, let merge = merge(ids[previous[position]], ids[position]) {
                queue.push(merge.rank, previous[position], merge.mergedID)
            }
            if next[position] < count, let merge = merge(ids[position], ids[next[position]]) {
                queue.push(merge.rank, position, merge.mergedID)
            }
        }
        return ids.indices.filter { !removed[$0] }.map { ids[$0] }
    }

    private static func key(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: left) << 32 | UInt64(truncatingIfNeeded: right)
    }
}

/// A binary min-heap of candidate merges ordered by (rank, position).
struct MergeQueue {
    private var heap: [(rank: Int, position: Int, mergedID: Int)] = []

    mutating func push(_ rank: Int, _ position: Int, _ mergedID: Int) {
        heap.append((rank, position, mergedID))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (rank: Int, position: Int, mergedID: Int)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            var smallest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && Self.precedes(heap[child], heap[smallest]) {
                smallest = child
            }
            guard smallest != parent else { return first }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private static func precedes(_ a: (rank: Int, position: Int, mergedID: Int),
                                 _ b: (rank: Int, position: Int, mergedID: Int)) -> Bool {
        (a.rank, a.position) < (b.rank, b.position)
    }
}
