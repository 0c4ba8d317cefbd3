//! `kubectl get` output for the simulated cluster (tables, `-o wide`, `-o yaml|json`).
