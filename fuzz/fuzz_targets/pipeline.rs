//! The whole pipeline from text to view model and outputs: the input is split into files at
//! `#- file:` lines (the golden-case format), then `view::analyze` (load, build, topology), and
//! the CLI commands that read the built cluster: `get all -A -o json`, `iptables` for the first
//! Node, `dns` from the first Pod, `graph -o svg`, `request`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsim::diagnostic::SourceFiles;
use netsim_cli::Input;

fn split(text: &str) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut cur = String::new();
    let mut name = String::from("a.yaml");
    for line in text.split_inclusive('\n') {
        if let Some(n) = line.strip_prefix("#- file:") {
            if !cur.is_empty() {
                inputs.push(Input { name: name.clone(), text: std::mem::take(&mut cur) });
            }
            name = n.trim().to_string();
        } else {
            cur.push_str(line);
        }
    }
    inputs.push(Input { name, text: cur });
    inputs
}

fn run(argv: &[&str], inputs: &[Input]) {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    std::hint::black_box(netsim_cli::run(&argv, inputs));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let inputs = split(&text);
    let mut files = SourceFiles::default();
    for i in &inputs {
        files.add(i.name.clone(), i.text.clone());
    }
    let analysis = netsim::view::analyze(&files);
    std::hint::black_box(&analysis);

    // One pass of the core to pick a node and a Pod for the commands below.
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.objects);
    let node = cluster.objects.nodes.first().map(|n| n.meta.name.clone());
    let pod = cluster.objects.pods.first().map(|p| format!("{}/{}", p.meta.namespace, p.meta.name));
    let svc = cluster
        .objects
        .services
        .iter()
        .rev()
        .next()
        .map(|s| format!("{}.{}", s.meta.name, s.meta.namespace));

    run(&["get", "all", "-A", "-o", "json"], &inputs);
    run(&["graph", "-o", "svg", "-A"], &inputs);
    if let Some(node) = &node {
        run(&["iptables", "--node", node], &inputs);
    }
    if let Some(pod) = &pod {
        let name = svc.as_deref().unwrap_or("kubernetes.default");
        run(&["dns", name, "--from", pod], &inputs);
        run(&["dns", name, "--from", pod, "--type", "SRV"], &inputs);
        run(&["request", &format!("pod/{pod}"), &format!("{name}:80"), "--count", "20"], &inputs);
    }
});
