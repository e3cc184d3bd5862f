import Foundation

/// Places in the package's source tree, found from this file's own place in it
/// (Tests/HandrailTestSupport/…), never from the working directory.
public enum PackagePaths {
    /// The package root: the folder holding Package.swift.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The shipped runbooks (`HANDRAIL_RUNBOOKS` for the binary under test).
    public static let runbooks = root.appendingPathComponent("Runbooks")
    /// A folder under Tests/, e.g. `tests("HandrailCLITests/Transcripts")`.
    public static func tests(_ relative: String) -> URL {
        root.appendingPathComponent("Tests").appendingPathComponent(relative)
    }
}
