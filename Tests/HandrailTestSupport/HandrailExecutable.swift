import Foundation

/// The built `handrail` executable the tests run as a subprocess.
public enum HandrailExecutable {
    /// `.build/debug/handrail`: beside the test bundle (on Linux the `.xctest` bundle sits in the
    /// build folder, and so does the executable), else in the package's own build folder.
    public static func locate() throws -> URL {
        var folders = Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }.map { $0.bundleURL.deletingLastPathComponent() }
        folders += [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let first = CommandLine.arguments.first { folders.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        folders.append(PackagePaths.root.appendingPathComponent(".build/debug"))
        guard let found = folders.map({ $0.appendingPathComponent("handrail") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw MissingRequirement("no handrail executable (looked in \(folders.map(\.path))); run swift build --build-tests first")
        }
        return found
    }
}
