//! Synthetic cluster manifests for benchmarks (no randomness: the same arguments give the same
//! text).
//!
//! `generate(pods, services, nodes)` writes the Namespace `bench`, `nodes` Nodes (`node-<i>`, InternalIP `172.18.0.<i+2>`
//! style), `services` ClusterIP Services (`svc-<i>` in namespace `bench`, selector `app:
//! svc-<i>`, port 80 → targetPort 8080) and `pods` Pods (`pod-<j>`, label `app: svc-<j mod
//! services>`, scheduled round-robin with `spec.nodeName`, one container exposing 8080).

use std::fmt::Write;

/// The YAML text of the synthetic cluster (documents separated by `---`).
pub fn generate(pods: usize, services: usize, nodes: usize) -> String {
    let services = services.max(1);
    let nodes = nodes.max(1);
    let mut out = String::with_capacity(pods * 330 + services * 260 + nodes * 200 + 64);
    // The namespace exists before the objects in it (the API server refuses them otherwise).
    out.push_str("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n---\n");
    for n in 0..nodes {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\n  labels:\n    kubernetes.io/hostname: node-{n}\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.18.{}.{}\n---\n",
            n / 250,
            n % 250 + 2
        );
    }
    for s in 0..services {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{s}\n  namespace: bench\nspec:\n  selector:\n    app: svc-{s}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n---\n"
        );
    }
    for p in 0..pods {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{p}\n  namespace: bench\n  labels:\n    app: svc-{}\nspec:\n  nodeName: node-{}\n  containers:\n  - name: app\n    image: registry.k8s.io/e2e-test-images/agnhost:2.39\n    ports:\n    - name: http\n      containerPort: 8080\n---\n",
            p % services,
            p % nodes
        );
    }
    out
}

/// The YAML text of a synthetic cluster with policies (for `bench_policy`): `nodes` Nodes as in
/// [`generate`], `namespaces` namespaces `ns-<n>` (label `team: t<n mod 4>`), `pods` Pods
/// (`pod-<j>` in `ns-<j mod namespaces>`, labels `app: app-<j mod 20>` and `tier:
/// fe|be|db` by `j mod 3`, one container with port `http` 8080/TCP), and `policies` policies:
/// every tenth a ClusterNetworkPolicy (Admin or Baseline, alternating), the rest
/// NetworkPolicies cycling through a default deny, a podSelector allow on a named port, a
/// namespaceSelector AND podSelector allow, an egress allow to DNS plus an ipBlock, and an
/// OR of two peers with a port range.
pub fn generate_policies(pods: usize, namespaces: usize, policies: usize, nodes: usize) -> String {
    let namespaces = namespaces.max(1);
    let nodes = nodes.max(1);
    let mut out = String::with_capacity(pods * 360 + policies * 500 + namespaces * 120);
    for n in 0..nodes {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\n  labels:\n    kubernetes.io/hostname: node-{n}\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.18.{}.{}\n---\n",
            n / 250,
            n % 250 + 2
        );
    }
    for n in 0..namespaces {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n  labels:\n    team: t{}\n---\n",
            n % 4
        );
    }
    const TIERS: [&str; 3] = ["fe", "be", "db"];
    for p in 0..pods {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{p}\n  namespace: ns-{}\n  labels:\n    app: app-{}\n    tier: {}\nspec:\n  nodeName: node-{}\n  containers:\n  - name: app\n    image: registry.k8s.io/e2e-test-images/agnhost:2.39\n    ports:\n    - name: http\n      containerPort: 8080\n---\n",
            p % namespaces,
            p % 20,
            TIERS[p % 3],
            p % nodes
        );
    }
    for k in 0..policies {
        let ns = k % namespaces;
        let other = (k * 7 + 3) % namespaces;
        if k % 10 == 9 {
            let (tier, action) = if k % 20 == 9 { ("Admin", "Deny") } else { ("Baseline", "Deny") };
            let _ = write!(
                out,
                "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: cnp-{k}\nspec:\n  tier: {tier}\n  priority: {k}\n  subject:\n    namespaces:\n      matchLabels:\n        team: t{}\n  ingress:\n  - name: from-team\n    action: {action}\n    from:\n    - namespaces:\n        matchLabels:\n          team: t{}\n    protocols:\n    - tcp:\n        destinationPort:\n          range: {{start: 8000, end: 8999}}\n---\n",
                k % 4,
                (k + 1) % 4
            );
            continue;
        }
        let spec = match k % 5 {
            0 => "  podSelector: {}\n  policyTypes: [Ingress]\n".to_string(),
            1 => format!(
                "  podSelector:\n    matchLabels: {{app: app-{}}}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels: {{tier: fe}}\n    ports:\n    - port: http\n",
                k % 20
            ),
            2 => format!(
                "  podSelector:\n    matchExpressions:\n    - {{key: tier, operator: In, values: [be, db]}}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {{kubernetes.io/metadata.name: ns-{other}}}\n      podSelector:\n        matchLabels: {{tier: be}}\n    ports:\n    - port: 8080\n"
            ),
            3 => "  podSelector:\n    matchLabels: {tier: db}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {}\n      podSelector:\n        matchLabels: {k8s-app: kube-dns}\n    ports:\n    - {port: 53, protocol: UDP}\n    - {port: 53, protocol: TCP}\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except: [10.96.0.0/12]\n".to_string(),
            _ => format!(
                "  podSelector:\n    matchLabels: {{tier: fe}}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {{team: t{}}}\n    - podSelector:\n        matchLabels: {{app: app-{}}}\n    ports:\n    - port: 8000\n      endPort: 8100\n",
                k % 4,
                (k + 5) % 20
            ),
        };
        let _ = write!(
            out,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np-{k}\n  namespace: ns-{ns}\nspec:\n{spec}---\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        let y = super::generate(10, 3, 2);
        assert_eq!(y.matches("kind: Pod\n").count(), 10);
        assert_eq!(y.matches("kind: Service\n").count(), 3);
        assert_eq!(y.matches("kind: Node\n").count(), 2);
        assert_eq!(y, super::generate(10, 3, 2));
        let y = super::generate_policies(30, 4, 20, 3);
        assert_eq!(y.matches("kind: Pod\n").count(), 30);
        assert_eq!(y.matches("kind: NetworkPolicy\n").count(), 18);
        assert_eq!(y.matches("kind: ClusterNetworkPolicy\n").count(), 2);
        assert_eq!(y, super::generate_policies(30, 4, 20, 3));
    }
}
