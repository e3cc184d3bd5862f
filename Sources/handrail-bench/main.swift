import Foundation

/// handrail-bench: the performance budgets, each measured beside its peer in the same run.
/// Build and run with `swift run -c release handrail-bench [--events N] [--workdir DIR] [--runs N]`.
let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
let report = BenchReport()
print("handrail-bench: \(options.events) events for the audit figures, workdir \(options.workdir.path)")
print("(the machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; medians of \(options.runs) runs unless noted)\n")

if options.only == nil || options.only == "commit" { DecisionCommitBench(options: options, report: report).run() }
if options.only == nil || options.only == "tui" { TUIBench(options: options, report: report).run() }
if options.only == nil || options.only == "audit" { AuditBench(options: options, report: report).run() }
if options.only == nil || options.only == "caselist" { CaseListBench(options: options, report: report).run() }
if options.only == nil || options.only == "restore" { RestoreBench(options: options, report: report).run() }
if options.only == nil || options.only == "replication" { ReplicationBench(options: options, report: report).run() }
if options.only == nil || options.only == "anchor" { AnchorBench(options: options, report: report).run() }
if options.only == nil || options.only == "startup" { StartupBench(options: options, report: report).run() }
if options.only == nil || options.only == "cli" { CLIDecisionBench(options: options, report: report).run() }
if options.only == nil || options.only == "load" { LoadBench(options: options, report: report).run() }
report.printTable()
