/// The points no other point beats on both axes, when smaller x (size) and larger y
/// (accuracy) are better: `p` is on the front unless some `q` has `q.x <= p.x` and
/// `q.y >= p.y` with one of them strict. Returned as indices sorted by x (then by y,
/// descending), so joining them draws the front from the smallest size up; of identical points
/// only the first is kept.
/// - Complexity: O(n log n).
public func paretoFront(_ points: [(x: Double, y: Double)]) -> [Int] {
    let order = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }.sorted {
        points[$0].x != points[$1].x ? points[$0].x < points[$1].x
            : points[$0].y != points[$1].y ? points[$0].y > points[$1].y : $0 < $1
    }
    var front: [Int] = []
    var best = -Double.infinity
    for index in order where points[index].y > best {
        front.append(index)
        best = points[index].y
    }
    return front
}
