// autograde.mjs: grade a learner's answer to "expose the web Deployment as a Service named web,
// so that the client Pod reaches it at http://web/ and requests spread over every replica".
// Usage: node autograde.mjs answer.yaml   (exit status 0: pass, 1: fail)
import { readFileSync } from "node:fs";
import { Simulator } from "kube-netsim";

// The exercise's own manifests; the learner writes the Service.
const given = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  containers: [{name: shell, image: busybox}]
`;

const file = process.argv[2];
const files = [
  { name: "exercise.yaml", text: given },
  { name: file, text: readFileSync(file, "utf8") },
];
const sim = new Simulator();
const result = sim.simulate(files);

const failures = [];
// 1. The answer is valid: no error diagnostics (kubectl apply would refuse it).
for (const d of result.diagnostics.filter((d) => d.severity === "error")) {
  failures.push(`${files[d.file].name}:${d.line}:${d.col}: ${d.code}: ${d.message}`);
}
if (failures.length === 0) {
  // 2. A request from the client connects.
  const one = sim.request("pod/client", "http://web/");
  if (one.outcome !== "connected") {
    failures.push(`http://web/ from the client: ${one.outcome}. ${one.reason} ${one.fix}`);
  } else {
    // 3. 300 requests reach all three replicas.
    const many = sim.request("pod/client", "http://web/", { count: 300, seed: 1 });
    const reached = many.distribution.filter((e) => e.count > 0).length;
    if (reached !== 3) failures.push(`300 requests reached ${reached} of the 3 web Pods`);
  }
}

if (failures.length > 0) {
  console.log(`FAIL ${file}`);
  for (const f of failures) console.log(`  ${f}`);
  process.exit(1);
}
console.log(`PASS ${file}`);
