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

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        let y = super::generate(10, 3, 2);
        assert_eq!(y.matches("kind: Pod\n").count(), 10);
        assert_eq!(y.matches("kind: Service\n").count(), 3);
        assert_eq!(y.matches("kind: Node\n").count(), 2);
        assert_eq!(y, super::generate(10, 3, 2));
    }
}
