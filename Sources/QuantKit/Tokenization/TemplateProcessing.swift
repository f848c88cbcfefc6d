/// `processors::TemplateProcessing` for a single sequence, also standing for `BertProcessing`
/// (`[CLS] A [SEP]`) and `RobertaProcessing` (`<s> A </s>`), whose ids are the same template.
///
/// The template is a list of pieces: a special token (its ids, with a type id) or the sequence
/// (`$A`, with a type id). `[CLS] $A [SEP]` turns ids `a b` into `101 a b 102`.
struct TemplateProcessing: PostProcessor {
    enum Piece: Equatable, Sendable {
        case specialTokens(ids: [Int], typeID: Int)
        case sequence(typeID: Int)
    }

    let single: [Piece]

    var addedTokenCount: Int {
        single.reduce(0) { count, piece in
            if case .specialTokens(let ids, _) = piece { return count + ids.count }
            return count
        }
    }

    func process(_ encoding: Encoding) -> Encoding {
        var result = Encoding(ids: [], typeIDs: [], attentionMask: [])
        for piece in single {
            switch piece {
            case .specialTokens(let ids, let typeID):
                result.ids += ids
                result.typeIDs += Array(repeating: typeID, count: ids.count)
                result.attentionMask += Array(repeating: 1, count: ids.count)
            case .sequence(let typeID):
                result.ids += encoding.ids
                result.typeIDs += Array(repeating: typeID, count: encoding.ids.count)
                result.attentionMask += encoding.attentionMask
            }
        }
        return result
    }
}
