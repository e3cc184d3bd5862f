import Foundation

/// `{{name}}` placeholder templates: the reason and follow-up texts of a runbook.
/// Deliberately tiny (no logic, no loops): runbooks are written by support leads, and what
/// a template says must be obvious from reading it.
public enum TemplateText {
    /// The placeholder names in `text`, in order of appearance.
    public static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingBlanks())
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `text` with each placeholder replaced by its value; unknown names are left visible
    /// as `{{name}}` so a gap in a composed message is seen, not silently blank.
    public static func render(_ text: String, values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingBlanks()
            out += values[name] ?? "{{\(name)}}"
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }
}
