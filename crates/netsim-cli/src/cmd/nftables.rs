//! `netsim nftables --node NODE [--format dump|ruleset]`: the rules kube-proxy in nftables mode
//! writes on that node (docs/cli.md).

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim nftables — the rules kube-proxy (nftables mode) writes on a node

Usage: netsim nftables -f <PATH>... --node NODE [--format dump|ruleset] [--event EVENT]... [-o json]

The cluster's kube-proxy runs in nftables mode when its KubeProxyConfiguration says
'mode: nftables' (GA since v1.33). One table per IP family of the cluster: 'ip kube-proxy',
'ip6 kube-proxy'.

Options:
  --node NODE         the node whose rules to print (required)
  --format dump       the state after one full sync as 'nft -f' input (default), in the form
                      upstream's nftables proxier tests compare: one 'add' statement per line,
                      rules in chain order, one element per 'add element'
  --format ruleset    what 'nft list ruleset' shows on the node afterwards
  --event EVENT       apply a what-if event first (repeatable; see 'netsim get --help')
  -o json             {\"node\", \"mode\", \"clusterMode\", \"format\", \"text\",
                       \"largeClusterMode\", \"highlight\"}: mode nftables, clusterMode the
                       mode the cluster's kube-proxy runs, text the rules above, highlight []
                       (line numbers of one Service's rules, for the page)

Settings come from the KubeProxyConfiguration in the input (mode, clusterCIDR,
nftables.masqueradeBit, nftables.masqueradeAll, nodePortAddresses — 'primary' by default in
this mode). On a node whose kube-proxy runs in iptables mode this prints one line naming the
mode and exits 2: use 'netsim iptables'. With mode: ipvs (deprecated upstream since v1.35 and
not simulated) the iptables rules are shown instead, with a warning.
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    super::iptables::run_mode(a, inputs, &["dump", "ruleset"])
}
