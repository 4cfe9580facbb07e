extension Array where Element == ClosedRange<Int> {
    /// In sorted, disjoint ranges (a frame map's missing frames, a sequence's gaps): the one
    /// holding `value`, found by bisection; `nil` when none does.
    public func range(containing value: Int) -> ClosedRange<Int>? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].contains(value) ? self[low] : nil
    }

    /// How many numbers the ranges hold together.
    public var totalCount: Int { reduce(0) { $0 + $1.count } }
}
