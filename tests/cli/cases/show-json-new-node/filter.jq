# The run's counts and verdict, what each document is, the cluster's view
# of its nodes, the module inventory; not the times, the host, nor the
# documents' full bodies (their own cases cover those).
{run: (.run | del(.started, .finished, .host)),
 evidence: [.evidence[] | {collector, subject, format: .document.format}],
 cluster_nodes: [.evidence[] | select(.collector == "cluster") | .document.nodes[] | {name, compliant, fips_enabled, evidence}],
 inventory: [.inventory[] | {component, supported, seen_at}]}
