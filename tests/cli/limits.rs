//! The CLI's own bounds on `request` (docs: ARCHITECTURE.md "Limits"): `--count` and the
//! FROM/TARGET lengths are usage errors, and the largest count allowed stays fast.

use std::time::{Duration, Instant};

/// Debug build, 2 shared cores: a bound that catches runaway work, not a benchmark.
const BUDGET: Duration = Duration::from_secs(2);

/// The tests here run one at a time, so their timings do not include each other's work.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn assert_fast_secs(d: Duration, what: &str) {
    assert!(d < BUDGET, "{what} took {d:?} (budget {BUDGET:?})");
}

fn cli(argv: &[&str], text: &str) -> netsim_cli::Output {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    netsim_cli::run(&argv, &[netsim_cli::Input { name: "r.yaml".into(), text: text.into() }])
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        ports: [{containerPort: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox\n";

#[test]
fn request_count_is_bounded_and_the_bound_is_fast() {
    let _serial = serial();
    let max = netsim::request::MAX_COUNT;
    let over = (max + 1).to_string();
    let out = cli(&["request", "pod/client", "web:80", "--count", &over], WEB);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("--count must be a number from 1 to {max}")),
        "{}",
        out.stderr
    );
    // A tenth of the bound, timed: the cost is linear in the count (one seeded walk through
    // the rules each). Release: 10,000 take about 0.14 s, the full 100,000 about 1.3 s, so
    // the page offers far fewer or runs them off the main thread.
    let start = Instant::now();
    let out = cli(&["request", "pod/client", "web:80", "--count", &(max / 10).to_string()], WEB);
    let elapsed = start.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&(max / 10).to_string()), "{}", out.stdout);
    assert!(elapsed < Duration::from_secs(10), "--count {} took {elapsed:?}", max / 10);
}

#[test]
fn request_arguments_are_bounded() {
    let _serial = serial();
    let long = format!("{}.default:80", "a".repeat(100_000));
    let start = Instant::now();
    let out = cli(&["request", "pod/client", &long], WEB);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("too long"), "{}", out.stderr);
    assert_fast_secs(start.elapsed(), "long request target");
}
