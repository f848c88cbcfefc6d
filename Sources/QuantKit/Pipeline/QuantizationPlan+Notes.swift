extension QuantizationPlan {
    /// The notes of this plan written in `layout` for a checkpoint of `roles`, in this order.
    public func notes(layout: any QuantizedLayout, roles: ModuleRoles? = nil) -> [PlanNote] {
        var notes: [PlanNote] = []
        var kept: [(role: ModuleRole, tensors: [String])] = []
        for step in steps {
            guard let role = step.keptRole else { continue }
            if let index = kept.firstIndex(where: { $0.role == role }) {
                kept[index].tensors.append(step.tensor.name)
            } else {
                kept.append((role, [step.tensor.name]))
            }
        }
        if !kept.isEmpty { notes.append(.keptInFloat(kept)) }
        if !readDequantized.isEmpty { notes.append(.readDequantized(readDequantized)) }
        let partial = steps.filter { $0.scheme?.hasPartialColumnBlocks(shape: $0.tensor.shape) ?? false }
        if let columns = partial.first?.scheme?.groupSize {
            notes.append(.partialColumnBlocks(columns: columns, tensors: partial.map { "\($0.tensor.name) \(formatShape($0.tensor.shape))" }))
        }
        let schemes = steps.compactMap(\.scheme)
        notes += layout.notes(for: schemes, roles: roles).map(PlanNote.layout)
        if schemes.contains(where: { $0.scaleRule == .compressedTensors }) { notes.append(.compressedTensorsRounding) }
        return notes
    }
}
