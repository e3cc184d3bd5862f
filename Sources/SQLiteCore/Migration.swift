/// One schema change, identified for ever by its id. A shipped migration is never edited:
/// a later change is a new migration, so every database reaches the same schema by the same steps.
public struct Migration: Sendable {
    public var id: String
    public var sql: String

    public init(_ id: String, _ sql: String) {
        self.id = id
        self.sql = sql
    }
}
