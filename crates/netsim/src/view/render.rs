//! Writers for the topology: a self-contained SVG (for slides and the export button) and
//! Graphviz DOT. Both draw only what [`Topology`] says; every user string is escaped.

use std::fmt::Write;

use super::topology::{
    group_lines, node_lines, pod_lines, service_lines, Edge, EdgeKind, OutsideKind, PodState, Rect,
    TextLine, Topology,
};

/// Namespace colours, by `color` index (shared with the playground's CSS).
pub const PALETTE: [&str; 8] =
    ["#2563eb", "#0d9488", "#7c3aed", "#ea580c", "#db2777", "#16a34a", "#ca8a04", "#0891b2"];

const STYLE: &str = "\
.bg{fill:#f8fafc}\
.cluster{fill:#ffffff;stroke:#cbd5e1;stroke-width:1.5;stroke-dasharray:6 4}\
.cluster-label,.legend{font-size:11px;fill:#64748b}\
.node{fill:#f1f5f9;stroke:#94a3b8;stroke-width:1}\
.node.down{fill:#fef2f2;stroke:#f87171}\
.box{fill:#ffffff;stroke:#cbd5e1;stroke-width:1}\
.svc{fill:#eff6ff;stroke:#93c5fd}\
.outside{fill:#fefce8;stroke:#eab308}\
.entry{fill:#fff7ed;stroke:#fb923c}\
.entry-text{font-size:10px;fill:#9a3412;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}\
.group{fill:#f8fafc;stroke:#64748b;stroke-dasharray:3 2}\
.title{font-size:12px;font-weight:600;fill:#0f172a}\
.sub{font-size:10px;fill:#64748b}\
.small{font-size:9.5px;fill:#475569}\
.mono{font-size:10.5px;fill:#334155;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}\
.badge{font-size:9.5px;font-weight:600;fill:#1d4ed8}\
.edge{fill:none;stroke-width:1.6}\
.edge.ready{stroke:#16a34a}\
.edge.notReady{stroke:#dc2626;stroke-dasharray:2 3}\
.edge.nearMiss{stroke:#f59e0b;stroke-dasharray:6 4}\
.edge.entry{stroke:#fb923c}\
.edge.externalName{stroke:#a16207;stroke-dasharray:6 4}\
.edge-label{font-size:9.5px;fill:#b45309;paint-order:stroke;stroke:#f8fafc;stroke-width:3px;stroke-linejoin:round}\
.dot.ready{fill:#16a34a}.dot.notReady{fill:#dc2626}.dot.pending{fill:#94a3b8}.dot.terminating{fill:#f59e0b}\
";

/// The topology as a standalone SVG document (styles embedded, labels shown).
pub fn svg(t: &Topology) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" font-family=\"system-ui,-apple-system,Segoe UI,Roboto,sans-serif\" \
         role=\"img\" aria-label=\"Cluster topology\">",
        w = t.width,
        h = t.height
    );
    let _ = writeln!(o, "<style>{STYLE}");
    for (i, c) in PALETTE.iter().enumerate() {
        let _ = write!(o, ".ns{i}{{fill:{c}}}");
    }
    o.push_str("</style>\n");
    let _ = writeln!(o, "<rect class=\"bg\" width=\"{}\" height=\"{}\"/>", t.width, t.height);

    // Legend.
    let mut x = 24;
    for ns in &t.namespaces {
        let _ = writeln!(
            o,
            "<rect class=\"ns{}\" x=\"{x}\" y=\"28\" width=\"10\" height=\"10\" rx=\"2\"/>\
             <text class=\"legend\" x=\"{}\" y=\"37\">{}</text>",
            ns.color,
            x + 14,
            esc(&ns.name)
        );
        x += 22 + 7 * ns.name.chars().count().min(40) as i32;
    }
    // What the edge styles mean.
    x += 12;
    for (kind, text, width) in [
        ("ready", "ready", 64),
        ("notReady", "not ready", 84),
        ("nearMiss", "misses by one label", 140),
    ] {
        let _ = writeln!(
            o,
            "<path class=\"edge {kind}\" d=\"M{x} 33 H{}\"/><text class=\"legend\" x=\"{}\" \
             y=\"37\">{text}</text>",
            x + 18,
            x + 22
        );
        x += width;
    }

    let c = t.cluster;
    if !t.nodes.is_empty() || !t.services.is_empty() {
        let _ = writeln!(
            o,
            "<rect class=\"cluster\" {} rx=\"10\"/><text class=\"cluster-label\" x=\"{}\" \
             y=\"{}\">cluster</text>",
            rect_attrs(c),
            c.x + c.w - 48,
            c.y + 14
        );
    }

    for n in &t.nodes {
        let class = if n.ready || n.role == "unscheduled" { "node" } else { "node down" };
        let _ = writeln!(o, "<g id=\"{}\">", esc(&n.id));
        let _ = writeln!(o, "<rect class=\"{class}\" {} rx=\"8\"/>", rect_attrs(n.rect));
        lines(&mut o, n.rect, &node_lines(n));
        o.push_str("</g>\n");
    }
    for e in &t.edges {
        edge(&mut o, e);
    }
    for n in &t.nodes {
        for p in &n.pods {
            let _ = writeln!(o, "<g id=\"{}\"><title>{}</title>", esc(&p.id), esc(&pod_title(p)));
            boxed(&mut o, p.rect, "box", p.color);
            let _ = writeln!(
                o,
                "<circle class=\"dot {}\" cx=\"{}\" cy=\"{}\" r=\"4\"/>",
                p.state.as_str(),
                p.rect.x + p.rect.w - 12,
                p.rect.y + 28
            );
            lines(&mut o, p.rect, &pod_lines(p, true));
            o.push_str("</g>\n");
        }
        for g in &n.groups {
            let _ = writeln!(o, "<g id=\"{}\">", esc(&g.id));
            boxed(&mut o, g.rect, "box group", g.color);
            lines(&mut o, g.rect, &group_lines(g));
            o.push_str("</g>\n");
        }
    }
    for s in &t.services {
        let _ = writeln!(o, "<g id=\"{}\"><title>{}</title>", esc(&s.id), esc(&s.dns_name));
        boxed(&mut o, s.rect, "box svc", s.color);
        lines(&mut o, s.rect, &service_lines(s));
        o.push_str("</g>\n");
    }
    for e in &t.entries {
        let _ = writeln!(
            o,
            "<g id=\"{}\"><rect class=\"entry\" {} rx=\"10\"/><text class=\"entry-text\" x=\"{}\" \
             y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            esc(&e.id),
            rect_attrs(e.rect),
            e.rect.x + e.rect.w / 2,
            e.rect.y + 14,
            esc(&e.label)
        );
    }
    for b in &t.outside {
        let (title, sub) = match b.kind {
            OutsideKind::Client => (b.label.as_str(), "outside the cluster"),
            OutsideKind::ExternalName => (b.label.as_str(), "external DNS name"),
        };
        let _ = writeln!(
            o,
            "<g id=\"{}\"><rect class=\"outside\" {} rx=\"8\"/><text class=\"title\" x=\"{}\" \
             y=\"{}\">{}</text><text class=\"sub\" x=\"{}\" y=\"{}\">{}</text></g>",
            esc(&b.id),
            rect_attrs(b.rect),
            b.rect.x + 12,
            b.rect.y + 18,
            esc(title),
            b.rect.x + 12,
            b.rect.y + 34,
            sub
        );
    }
    // Near-miss reasons on top of everything, with a halo so they stay legible.
    for e in t.edges.iter().filter(|e| e.kind == EdgeKind::NearMiss && !e.label.is_empty()) {
        let _ = writeln!(
            o,
            "<text class=\"edge-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            e.label_at.x,
            e.label_at.y,
            esc(&e.label)
        );
    }
    o.push_str("</svg>\n");
    o
}

/// A tooltip for a Pod: everything the box may have shortened.
pub fn pod_title(p: &super::topology::PodBox) -> String {
    let labels: Vec<String> = p.labels.iter().map(|l| format!("{}={}", l.key, l.value)).collect();
    format!(
        "{}/{} on {} — {}{}",
        p.namespace,
        p.name,
        if p.node.is_empty() { "no node" } else { &p.node },
        match p.state {
            PodState::Ready => "Ready",
            PodState::NotReady => "NotReady",
            PodState::Pending => "Pending",
            PodState::Terminating => "Terminating",
        },
        if labels.is_empty() { String::new() } else { format!(" · {}", labels.join(", ")) }
    )
}

fn rect_attrs(r: Rect) -> String {
    format!("x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", r.x, r.y, r.w, r.h)
}

/// A box with a namespace-coloured stripe on its left.
fn boxed(o: &mut String, r: Rect, class: &str, color: u8) {
    let _ = writeln!(
        o,
        "<rect class=\"{class}\" {} rx=\"6\"/><rect class=\"ns{color}\" x=\"{}\" y=\"{}\" \
         width=\"4\" height=\"{}\" rx=\"2\"/>",
        rect_attrs(r),
        r.x + 1,
        r.y + 4,
        (r.h - 8).max(0)
    );
}

fn lines(o: &mut String, r: Rect, ls: &[TextLine]) {
    for l in ls {
        let anchor = if l.end { " text-anchor=\"end\"" } else { "" };
        let _ = writeln!(
            o,
            "<text class=\"{}\" x=\"{}\" y=\"{}\"{anchor}>{}</text>",
            l.class,
            r.x + l.dx,
            r.y + l.dy,
            esc(&l.text)
        );
    }
}

fn edge(o: &mut String, e: &Edge) {
    let [a, b, c, d] = e.points;
    let _ = write!(
        o,
        "<path class=\"edge {}\" d=\"M{} {} C{} {} {} {} {} {}\"><title>{}</title></path>",
        e.kind.as_str(),
        a.x,
        a.y,
        b.x,
        b.y,
        c.x,
        c.y,
        d.x,
        d.y,
        esc(&edge_title(e))
    );
    o.push('\n');
}

/// A tooltip for an edge.
pub fn edge_title(e: &Edge) -> String {
    let what = match e.kind {
        EdgeKind::Ready => "ready endpoint",
        EdgeKind::NotReady => "endpoint, not ready",
        EdgeKind::NearMiss => "near miss",
        EdgeKind::Entry => "entry",
        EdgeKind::ExternalName => "CNAME",
    };
    if e.label.is_empty() {
        format!("{} → {}: {what}", e.from, e.to)
    } else {
        format!("{} → {}: {what} ({})", e.from, e.to, e.label)
    }
}

/// XML text and attribute escaping.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters, U+FFFE and U+FFFF are not allowed in XML 1.0 (`Char`
            // production): one of them in a label would make the whole SVG unreadable.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The topology as a Graphviz digraph: one cluster subgraph per node, Services and outside
/// boxes at the top level, the same edges. Render with `dot -Tsvg`.
pub fn dot(t: &Topology) -> String {
    let mut o = String::from(
        "digraph topology {\n  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=10, \
         compound=true];\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", \
         fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for b in &t.outside {
        let kind = match b.kind {
            OutsideKind::Client => "outside the cluster",
            OutsideKind::ExternalName => "external DNS name",
        };
        let _ = writeln!(
            o,
            "  {} [label={}, fillcolor=\"#fefce8\", color=\"#eab308\"];",
            q(&b.id),
            q(&format!("{}\n{kind}", b.label))
        );
    }
    for e in &t.entries {
        let _ = writeln!(
            o,
            "  {} [label={}, shape=oval, fillcolor=\"#fff7ed\", color=\"#fb923c\"];",
            q(&e.id),
            q(&e.label)
        );
    }
    for s in &t.services {
        let text: Vec<String> =
            service_lines(s).into_iter().filter(|l| l.class != "badge").map(|l| l.text).collect();
        let text = format!("{} ({})\n{}", s.name, s.type_, text.get(1..).unwrap_or(&[]).join("\n"));
        let _ = writeln!(
            o,
            "  {} [label={}, fillcolor=\"#eff6ff\", color={}];",
            q(&s.id),
            q(&text),
            q(color(s.color))
        );
    }
    for n in &t.nodes {
        let head: Vec<String> = node_lines(n).into_iter().map(|l| l.text).collect();
        let _ = writeln!(o, "  subgraph {} {{", q(&format!("cluster_{}", n.id)));
        let _ = writeln!(
            o,
            "    label={};\n    style=\"rounded,filled\";\n    fillcolor=\"#f1f5f9\";\n    \
             color=\"#94a3b8\";",
            q(&head.join("\n"))
        );
        if n.pods.is_empty() && n.groups.is_empty() {
            // Graphviz drops empty clusters; an invisible point keeps the node visible.
            let _ =
                writeln!(o, "    {} [shape=point, style=invis];", q(&format!("{}/empty", n.id)));
        }
        for p in &n.pods {
            let text = format!(
                "{}\n{}\n{}",
                p.name,
                if p.ip.is_empty() { "no IP" } else { &p.ip },
                p.labels_text
            );
            let _ = writeln!(
                o,
                "    {} [label={}, color={}, tooltip={}];",
                q(&p.id),
                q(&text),
                q(color(p.color)),
                q(p.state.as_str())
            );
        }
        for g in &n.groups {
            let text = group_lines(g).into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
            let _ = writeln!(
                o,
                "    {} [label={}, color={}, style=\"rounded,dashed\"];",
                q(&g.id),
                q(&text),
                q(color(g.color))
            );
        }
        o.push_str("  }\n");
    }
    for e in &t.edges {
        let style = match e.kind {
            EdgeKind::Ready => "color=\"#16a34a\"".to_string(),
            EdgeKind::NotReady => "color=\"#dc2626\", style=dotted".to_string(),
            EdgeKind::NearMiss => format!("color=\"#f59e0b\", style=dashed, label={}", q(&e.label)),
            EdgeKind::Entry => "color=\"#fb923c\"".to_string(),
            EdgeKind::ExternalName => {
                "color=\"#a16207\", style=dashed, label=\"CNAME\"".to_string()
            }
        };
        let _ = writeln!(o, "  {} -> {} [{style}];", q(&e.from), q(&e.to));
    }
    o.push_str("}\n");
    o
}

fn color(i: u8) -> &'static str {
    PALETTE.get(usize::from(i)).copied().unwrap_or("#64748b")
}

/// A DOT quoted string: `"` and `\` escaped (so `\n`-style escapes in user text stay
/// literal), newlines as `\n`, other control characters dropped.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
