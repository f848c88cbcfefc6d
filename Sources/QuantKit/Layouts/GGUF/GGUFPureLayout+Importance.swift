extension GGUFPureLayout: ImportanceWeightedLayout {
    public func quantizeFile(input: String, output: String, typeName: String, importancePath: String, overwrite: Bool,
                             threads: Int) throws -> any LayoutReport {
        // `acceptsType` has checked the name (the protocol's contract).
        try quantizeGGUFPure(input: input, output: output, fileType: LlamaFileType(named: typeName)!,
                             importance: GGUFImportance(path: importancePath), overwrite: overwrite, threads: threads)
    }
}
