//! The benchmarks allocate with mimalloc, as the native `netsim` CLI does
//! (`crates/netsim-cli/src/main.rs` says why); included by each `bench_*.rs` with
//! `#[path = "common/alloc.rs"] mod alloc;`.

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
