extension MemoryBudget {
    /// Refuses the first step of `plan` that cannot run within the budget, naming `path` and
    /// the tensor; nothing has been read or written yet. `overridden` tensors (computed by a
    /// whole-network method) are charged as quantized ones.
    public func check(_ plan: QuantizationPlan, path: String, overridden: (String) -> Bool = { _ in false }) throws(FileError) {
        for step in plan.steps {
            let whole = step.scheme != nil || overridden(step.tensor.name)
            let needed = whole ? MemoryCost.quantizing(step.tensor) : MemoryCost.passthrough(step.tensor)
            guard needed <= bytes else {
                throw FileError(path: path, member: step.tensor.name, MemoryBudgetError.overBudget(
                    operation: whole ? .quantizing : .copying, needed: needed, tensorBytes: step.tensor.storedByteCount, budget: self))
            }
        }
    }
}
