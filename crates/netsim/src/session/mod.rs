//! The session: one input, loaded and built once, ready to be asked.
//!
//! A [`Session`] owns everything a question about one input needs: the source files, the
//! objects read from them ([`crate::manifest::Loaded`]), the running cluster built from the
//! accepted ones (with any what-if events applied), every diagnostic, and the configuration the
//! later stages derive from the cluster's settings — the CoreDNS Corefile, the kubelet's
//! resolver settings and kube-proxy's configuration, each derived in one place here
//! ([`config`]). The DNS zone and the request network (indexes, each node's rules and their
//! parsed form) are built on first use and kept, so a hundred questions cost one build.
//!
//! The CLI, the JS package and the page's engine worker each hold one session per input and ask
//! it questions; every answer is a typed, serialisable core type ([`answer`]), so the three
//! shells print the same thing.
//!
//! Invariants: as the rest of the core — no IO, no clock, no randomness; never panics.

pub mod answer;
mod ask;
mod config;
mod describe;
pub mod detail;
mod dns;
mod get;
mod packet;
pub mod policy;
mod rules;
pub mod summary;

#[cfg(test)]
mod tests;

use std::cell::OnceCell;

use crate::cluster::{Cluster, WhatIf};
use crate::diagnostic::{Diagnostic, Severity, SourceFiles};
use crate::dns::{CorefileConfig, ResolverSettings, Zone, ZoneInput};
use crate::manifest::Loaded;
use crate::model::Objects;
use crate::proxy::ProxyConfig;
use crate::request::{Index, Network};

pub use answer::{to_json, AskError, ObjectRef};
pub use ask::{
    Description, GetFormat, GetRequest, Listing, Lookup, PacketWalk, Question, RuleFormat, Rules,
};
pub use config::proxy_config;
pub use get::check as check_get;
pub use packet::Branch;

/// One input, loaded and built, answering questions. See the module docs.
pub struct Session {
    files: SourceFiles,
    loaded: Loaded,
    cluster: Cluster,
    /// Load, build and Corefile diagnostics, in that order.
    diagnostics: Vec<Diagnostic>,
    /// What the what-if events could not do (an unknown Pod…): about the events, not the input.
    what_if_diagnostics: Vec<Diagnostic>,
    corefile: CorefileConfig,
    resolver: ResolverSettings,
    proxy: ProxyConfig,
    zone: OnceCell<Zone>,
    index: OnceCell<Index>,
}

impl Session {
    /// Loads `files` (`manifest::load`) and builds the cluster from the objects the API server
    /// accepts (`cluster::build`).
    pub fn new(files: SourceFiles) -> Session {
        Session::with_what_ifs(files, &[])
    }

    /// As [`Session::new`], then applies the what-if `events` in order.
    pub fn with_what_ifs(files: SourceFiles, events: &[WhatIf]) -> Session {
        let loaded = crate::manifest::load(&files);
        let mut cluster = crate::cluster::build_owned(loaded.accepted());
        let mut built = std::mem::take(&mut cluster.diagnostics);
        for e in events {
            cluster = crate::cluster::apply(&cluster, e);
        }
        // What the what-ifs could not do, and where the StatefulSets stand after the last of
        // them (which StatefulSet waits for which Pod: the last event's answer replaces the
        // build's).
        let (waiting, what_if_diagnostics): (Vec<Diagnostic>, Vec<Diagnostic>) =
            std::mem::take(&mut cluster.diagnostics)
                .into_iter()
                .partition(|d| d.code == crate::cluster::STATEFULSET_WAITING);
        if !events.is_empty() {
            built.retain(|d| d.code != crate::cluster::STATEFULSET_WAITING);
            built.extend(waiting);
        }
        cluster.diagnostics = built;
        let mut diagnostics = loaded.diagnostics.clone();
        diagnostics.extend(cluster.diagnostics.iter().cloned());
        let (corefile, corefile_diagnostics) = config::corefile(&loaded.objects, &cluster.settings);
        diagnostics.extend(corefile_diagnostics);
        diagnostics.extend(config::mode_warning(&loaded.objects, loaded.version));
        let resolver = config::resolver(&cluster.settings);
        let proxy = proxy_config(&cluster.objects, &cluster.settings);
        Session {
            files,
            loaded,
            cluster,
            diagnostics,
            what_if_diagnostics,
            corefile,
            resolver,
            proxy,
            zone: OnceCell::new(),
            index: OnceCell::new(),
        }
    }

    /// A session over one text (named `name` in diagnostics).
    pub fn from_text(name: &str, text: &str) -> Session {
        let mut files = SourceFiles::default();
        files.add(name, text);
        Session::new(files)
    }

    /// The input texts.
    pub fn files(&self) -> &SourceFiles {
        &self.files
    }

    /// Every object read from the input (also the rejected ones) and the manifest diagnostics.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The running cluster (built-in objects, controllers' Pods, allocations, what-ifs applied).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The cluster's objects.
    pub fn objects(&self) -> &Objects {
        &self.cluster.objects
    }

    /// Every diagnostic of the input: load, build and the Corefile, in that order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// What the what-if events could not do.
    pub fn what_if_diagnostics(&self) -> &[Diagnostic] {
        &self.what_if_diagnostics
    }

    /// Error-severity diagnostics of the input.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The CoreDNS configuration (the `kube-system/coredns` Corefile, or kubeadm's).
    pub fn corefile(&self) -> &CorefileConfig {
        &self.corefile
    }

    /// The kubelet's resolver settings (clusterDNS, clusterDomain).
    pub fn resolver(&self) -> &ResolverSettings {
        &self.resolver
    }

    /// kube-proxy's configuration on every node.
    pub fn proxy(&self) -> &ProxyConfig {
        &self.proxy
    }

    /// CoreDNS's view of the cluster (built on first use).
    pub fn zone(&self) -> &Zone {
        self.zone.get_or_init(|| {
            let o = &self.cluster.objects;
            Zone::new(
                self.corefile.clone(),
                ZoneInput {
                    services: &o.services,
                    endpoint_slices: &o.endpoint_slices,
                    pods: &o.pods,
                    namespaces: &o.namespaces,
                },
            )
        })
    }

    /// The cluster prepared for requests (indexes built on first use; each node's rules on
    /// first use of that node).
    pub fn network(&self) -> Network<'_> {
        let index = self.index.get_or_init(|| Index::new(&self.cluster.objects));
        Network::from_parts(
            &self.cluster.objects,
            &self.cluster.settings,
            self.zone(),
            &self.resolver,
            &self.proxy,
            index,
        )
    }
}
