/// The GPTQ Hessian sums of one transformer block's Linears, accumulated from the calls its
/// forward passes report (`LinearObserver`): one `GPTQHessianSum` per distinct input, so the
/// Linears fed the same input (BERT's query, key and value; Llama's q/k/v and gate/up) share
/// one. Two consecutive calls share an input when their inputs are equal (the same array, as
/// the blocks pass it); a Linear not in `selected` adds nothing of its own.
///
/// Only real tokens enter a sum: a `LinearCall` carries no padding.
final class SharedInputHessians {
    private let selected: Set<String>
    private let threads: Int
    private(set) var sums: [GPTQHessianSum] = []
    /// Which sum each selected Linear's inputs went to, by module prefix.
    private(set) var sumOfLinear: [String: Int] = [:]
    private var previousInput: [Float]?
    private var previousSum: Int?
    /// The first error adding inputs met; the observer cannot throw, so the caller asks.
    private(set) var firstError: GPTQError?

    init(selected: Set<String>, threads: Int) {
        self.selected = selected
        self.threads = threads
    }

    /// Adds `call`'s input to its Linear's sum, unless the previous call's input was the same
    /// and went to a sum already.
    func observe(_ call: LinearCall) {
        let sameInput = previousInput.map { $0.count == call.input.count && $0 == call.input } ?? false
        if !sameInput { (previousInput, previousSum) = (call.input, nil) }
        guard selected.contains(call.prefix), call.rows > 0, firstError == nil else { return }
        if sameInput, let shared = previousSum {
            if sumOfLinear[call.prefix] == nil { sumOfLinear[call.prefix] = shared }
            return
        }
        let index = sumOfLinear[call.prefix] ?? sums.count
        if index == sums.count { sums.append(GPTQHessianSum(inFeatures: call.inFeatures)) }
        sumOfLinear[call.prefix] = index
        previousSum = index
        do {
            try sums[index].add(call.input, rows: call.rows, threads: threads)
        } catch {
            firstError = error
        }
    }

    /// The sum of the inputs of the Linear `prefix`; nil when it was never called.
    func sum(of prefix: String) -> GPTQHessianSum? { sumOfLinear[prefix].map { sums[$0] } }
}
