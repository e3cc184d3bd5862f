import Engine
import Foundation
import SQLiteCore

/// Who may do what: OS logins and their roles.
public struct OperatorEntry: Sendable, Equatable {
    public var login: String
    public var role: Role
    public var addedBy: String
    public var addedAt: Date
}

extension HandrailStore {
    public func operators() throws(StoreError) -> [OperatorEntry] {
        try read {
            let statement = try db.prepare("SELECT login, role, added_by, added_at FROM operators ORDER BY login")
            var out: [OperatorEntry] = []
            while try statement.step() {
                out.append(OperatorEntry(login: statement.string(0), role: Role(rawValue: statement.string(1)) ?? .agent,
                                         addedBy: statement.string(2), addedAt: EventTime.parse(statement.string(3)) ?? .distantPast))
            }
            return out
        }
    }

    public func role(of login: String) throws(StoreError) -> Role? {
        try read { try db.scalarString("SELECT role FROM operators WHERE login = ?1", [.text(login)]).flatMap(Role.init(rawValue:)) }
    }

    /// Adds or changes an operator's role.
    public func setOperator(_ login: String, role: Role, by: String, at: Date) throws(StoreError) {
        try write {
            let statement = try db.prepare("""
            INSERT INTO operators (login, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (login) DO UPDATE SET role = excluded.role
            """)
            try statement.run([.text(login), .text(role.rawValue), .text(by), .text(EventTime.format(at))])
        }
    }

    /// The first operator of a new database becomes its senior admin. Returns true if `login`
    /// was added that way; atomic, so two first runs at once make one senior, not two.
    ///
    /// Every writing command asks, and on every database but a new one the answer is no: that is
    /// found by a read, which takes no write lock, so commands do not queue behind one another
    /// for a roster that already has people on it. Only an empty roster is looked at again under
    /// the write lock (BEGIN IMMEDIATE), where the check and the insert cannot be split.
    public func enrolFirstOperator(_ login: String, at: Date) throws(StoreError) -> Bool {
        if isReadOnly { throw .readOnly(path) }
        if try read({ (try db.scalarInt("SELECT count(*) FROM operators") ?? 0) > 0 }) { return false }
        return try write {
            guard (try db.scalarInt("SELECT count(*) FROM operators") ?? 0) == 0 else { return false }
            let statement = try db.prepare("INSERT INTO operators (login, role, added_by, added_at) VALUES (?1, 'senior', ?1, ?2)")
            try statement.run([.text(login), .text(EventTime.format(at))])
            return true
        }
    }
}
