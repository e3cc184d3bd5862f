import Terminal

/// The terminal the plain mode gives the wizard's runtime: it draws nothing (the plain mode writes
/// lines of its own from the same model) and is never read (lines come from the plain driver).
/// 80×24, so that the model is never "too small" and every key is acted on.
final class SilentTerminal: TerminalDevice {
    var size: (width: Int, height: Int) { (WizardModel.minimumWidth, WizardModel.minimumHeight) }
    var colors: Bool { false }
    var unicode: Bool { false }
    func draw(_ screen: Screen) {}
    func readKey(timeoutMilliseconds: Int) -> Key? { nil }
}
