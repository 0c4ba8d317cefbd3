//! The topology pane: draws the core's [`netsim::view::Topology`] as inline SVG built with
//! `html!` (so user text is always text, never markup), with pan (drag) and zoom (wheel,
//! buttons), labels on demand, SVG export (the engine's `view::svg`, as a download), and a table of
//! the same data for screen readers. Positions and texts all come from the core; this component
//! only keeps the view transform and the toggles.

use netsim::view::{
    self, Analysis, Edge, NodeBox, PodBox, PodGroup, Rect, ServiceBox, TextLine, Topology,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::rc::Rc;

use netsim::policy::{Isolation, PodPolicies};
use netsim::session::policy::PolicyOverview;
use netsim::session::Question;

use crate::hooks::{use_app, use_ask};
use crate::state::Action;

/// The visible part of the canvas in topology units: x, y, width, height.
type ViewBox = (f64, f64, f64, f64);

const MIN_SPAN: f64 = 120.0;
const MAX_SPAN: f64 = 20_000.0;

fn full_view(t: &Topology) -> ViewBox {
    (0.0, 0.0, f64::from(t.width.max(320)), f64::from(t.height.max(240)))
}

#[component]
pub fn TopologyPane() -> Html {
    let app = use_app();
    let stale = app.stale();
    let t = &app.last_good.topology;
    let sel: &str = app.selected.as_deref().unwrap_or("");
    let path: &[String] = &app.highlight;
    let mark = |id: &str| -> Option<&'static str> {
        if id == sel {
            Some("selected")
        } else if path.iter().any(|p| p == id) {
            Some("on-path")
        } else {
            None
        }
    };
    {
        // Timing: the topology of simulation `seq` is on screen (edit → redraw figures).
        use_effect_with((app.sim_seq, app.full), |&(seq, full)| {
            if full {
                crate::browser::perf_drawn(seq);
            }
        });
    }
    // Clicking a box selects it for the inspector (one listener for the whole picture).
    let onclick = {
        let app = app.clone();
        Callback::from(move |e: MouseEvent| {
            let id = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("[data-id]").ok().flatten())
                .and_then(|el| el.get_attribute("data-id"));
            app.dispatch(Action::Select(id.map(Rc::from)));
        })
    };

    // The view is fixed at first draw and changed only by the user, so the picture never
    // rescales while typing (new boxes appear; nothing moves).
    let view = {
        let initial = full_view(t);
        use_state(move || initial)
    };
    {
        // The engine's first answer arrives after the first draw: fit to it once.
        let view = view.clone();
        let fitted = use_mut_ref(|| false);
        let full = full_view(t);
        let drawn = !t.nodes.is_empty();
        use_effect_with(drawn, move |&drawn| {
            if drawn && !*fitted.borrow() {
                *fitted.borrow_mut() = true;
                view.set(full);
            }
        });
    }
    let labels = use_state(|| false);
    let table = use_state(|| false);
    // The table of the same data (for screen readers, or shown with "Table") follows a new
    // picture by a task while it is hidden: drawn with it, it made the first topology's render
    // and layout a third longer (its rows are as many elements as the picture's boxes), one of
    // the start's longest tasks on a phone. Until then it shows the analysis before (a
    // component of its own, not drawn again while that stays), none at first.
    let table_of = use_state(|| None::<Rc<Analysis>>);
    {
        let table_of = table_of.clone();
        let now = Rc::clone(&app.last_good);
        use_effect_with(Rc::as_ptr(&app.last_good) as usize, move |_| {
            let later = gloo_timers::callback::Timeout::new(0, move || table_of.set(Some(now)));
            move || drop(later)
        });
    }
    let table_shows = if *table { Some(Rc::clone(&app.last_good)) } else { (*table_of).clone() };
    let drag = use_mut_ref(|| None::<(f64, f64, ViewBox)>);
    let svg_ref = use_node_ref();

    // Topology units per screen pixel (preserveAspectRatio xMinYMin meet).
    let units_per_px = {
        let svg_ref = svg_ref.clone();
        move |v: ViewBox| -> (f64, f64, f64) {
            let Some(el) = svg_ref.cast::<web_sys::Element>() else { return (1.0, 0.0, 0.0) };
            let r = el.get_bounding_client_rect();
            let k = (v.2 / r.width().max(1.0)).max(v.3 / r.height().max(1.0));
            (k, r.left(), r.top())
        }
    };

    let onwheel = {
        let view = view.clone();
        let units_per_px = units_per_px.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let v = *view;
            let (k, left, top) = units_per_px(v);
            let ux = v.0 + (f64::from(e.client_x()) - left) * k;
            let uy = v.1 + (f64::from(e.client_y()) - top) * k;
            let f = if e.delta_y() > 0.0 { 1.15 } else { 1.0 / 1.15 };
            view.set(zoom_at(v, ux, uy, f));
        })
    };
    let onmousedown = {
        let drag = std::rc::Rc::clone(&drag);
        let view = view.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 {
                *drag.borrow_mut() =
                    Some((f64::from(e.client_x()), f64::from(e.client_y()), *view));
            }
        })
    };
    let onmousemove = {
        let drag = std::rc::Rc::clone(&drag);
        let view = view.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((x0, y0, v0)) = *drag.borrow() else { return };
            let (k, _, _) = units_per_px(v0);
            let dx = (f64::from(e.client_x()) - x0) * k;
            let dy = (f64::from(e.client_y()) - y0) * k;
            view.set((v0.0 - dx, v0.1 - dy, v0.2, v0.3));
        })
    };
    let end_drag = { Callback::from(move |_: MouseEvent| *drag.borrow_mut() = None) };
    let zoom_button = |f: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            let v = *view;
            view.set(zoom_at(v, v.0 + v.2 / 2.0, v.1 + v.3 / 2.0, f));
        })
    };
    let fit = {
        let view = view.clone();
        let full = full_view(t);
        Callback::from(move |_: MouseEvent| view.set(full))
    };
    let toggle_labels = {
        let labels = labels.clone();
        Callback::from(move |_: MouseEvent| labels.set(!*labels))
    };
    let toggle_table = {
        let table = table.clone();
        Callback::from(move |_: MouseEvent| table.set(!*table))
    };
    let export = {
        // The engine draws the SVG document (the core's `view::svg`; the page does not carry
        // it): the cluster of the newest text.
        let engine = app.engine.clone();
        let dispatcher = app.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let (engine, dispatcher) = (engine.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let args = crate::engine::ask_args(&Question::TopologySvg);
                let svg =
                    engine.call("ask", &args).await.map_err(|e| e.to_string()).and_then(|json| {
                        serde_json::from_str::<String>(&json).map_err(|e| e.to_string())
                    });
                match svg {
                    Ok(svg) => download_svg(&svg),
                    Err(e) => dispatcher.dispatch(Action::Notice(Some(Rc::from(format!(
                        "The SVG could not be made: {e}"
                    ))))),
                }
            });
        })
    };

    // NetworkPolicy: the policies (a strip to open each in the inspector) and the Pods they
    // isolate (a mark on each box).
    let overview = use_ask::<PolicyOverview>(Some(Question::Policies));
    let overview = overview.and_then(Result::ok).unwrap_or_default();
    // The marks of a Pod box (`pod/NS/NAME`), if a policy isolates it.
    let isolated = |id: &str| -> Option<&PodPolicies> {
        let key = id.strip_prefix("pod/")?;
        overview.isolated.iter().find(|p| p.pod == key)
    };
    let select_policy = {
        let app = app.clone();
        move |id: String| {
            let app = app.clone();
            Callback::from(move |_: MouseEvent| {
                app.dispatch(Action::Select(Some(Rc::from(id.as_str()))))
            })
        }
    };
    let path_class = app.path_outcome.map(|o| format!("path-{}", o.as_str()));

    let v = *view;
    // Whole units: formatting integers keeps float printing out of the wasm.
    let view_box = format!("{} {} {} {}", v.0 as i64, v.1 as i64, v.2 as i64, v.3 as i64);
    let summary = view::summary(t);

    html! {
        <section class={classes!("topology", stale.then_some("stale"))} data-testid="topology-pane" aria-label="Topology">
            <div class="topo-toolbar" role="toolbar" aria-label="Topology view">
                // The edge key first: the namespaces come with the first answer, after it.
                <div class="legend" aria-label="Namespaces">
                    <span class="edge-key" title="Edges from a Service to its Pods">
                        <svg width="18" height="6" aria-hidden="true"><line class="t-edge ready" x1="0" y1="3" x2="18" y2="3" /></svg>{ "ready" }
                        <svg width="18" height="6" aria-hidden="true"><line class="t-edge notReady" x1="0" y1="3" x2="18" y2="3" /></svg>{ "not ready" }
                        <svg width="18" height="6" aria-hidden="true"><line class="t-edge nearMiss" x1="0" y1="3" x2="18" y2="3" /></svg>{ "misses by one label" }
                    </span>
                    // In an element of their own, so the key is never redrawn as a chip.
                    <span class="ns-chips">
                        { for t.namespaces.iter().map(|ns| html! {
                            <span class="ns-chip" title={format!("namespace {}", ns.name)}>
                                <span class={format!("swatch ns{}", ns.color)}></span>{ &ns.name }
                            </span>
                        }) }
                    </span>
                </div>
                <div class="tools">
                    <button type="button" aria-pressed={labels.to_string()} data-testid="topology-labels" onclick={toggle_labels}
                        title="Show the labels of every Pod">{ "Labels" }</button>
                    <button type="button" aria-pressed={table.to_string()} data-testid="topology-table-toggle" onclick={toggle_table}
                        title="Show the same data as a table">{ "Table" }</button>
                    <span class="zoom">
                        <button type="button" onclick={zoom_button(1.0 / 1.25)} title="Zoom in" aria-label="Zoom in">{ "+" }</button>
                        <button type="button" onclick={zoom_button(1.25)} title="Zoom out" aria-label="Zoom out">{ "−" }</button>
                        <button type="button" onclick={fit} title="Fit the whole cluster" data-testid="topology-fit">{ "Fit" }</button>
                    </span>
                    <button type="button" class="primary" onclick={export} data-testid="topology-export"
                        title="Download this picture as an SVG file">{ "Export SVG" }</button>
                </div>
            </div>
            if stale {
                <p class="stale-banner" data-testid="stale" role="status">
                    { "The manifests have errors — showing the last good topology." }
                </p>
            }
            { crate::components::timeline::timeline(&app) }
            if !overview.policies.is_empty() {
                <div class="policy-strip" data-testid="policy-strip" role="group" aria-label="Network policies">
                    <span class="muted" title="NetworkPolicy is enforced by the network plugin: a cluster whose plugin does not implement it lets everything through.">
                        { "Policies (need a network plugin that enforces them):" }
                    </span>
                    { for overview.policies.iter().map(|p| {
                        let id = crate::components::inspector::policy_id(p.kind, &p.name);
                        let selected = sel == id;
                        html! {
                            <button type="button" class={classes!("policy-button", selected.then_some("active"))} data-testid="policy-button"
                                data-id={id.clone()} aria-pressed={selected.to_string()} onclick={select_policy(id)}
                                title={format!("{} {}: click to inspect", p.kind.as_str(), p.name)}>
                                <span class="shield" aria-hidden="true"></span>
                                { if p.kind == netsim::policy::PolicyKind::ClusterNetworkPolicy { format!("{} (cluster)", p.name) } else { p.name.clone() } }
                            </button>
                        }
                    }) }
                    if overview.omitted > 0 {
                        <span class="muted">{ format!("… and {} more, left out (at most {} are evaluated)", overview.omitted, netsim::policy::MAX_POLICIES) }</span>
                    }
                </div>
            }
            <div class={classes!("topo-canvas", (*table).then_some("hidden"))}>
                <svg ref={svg_ref} data-testid="topology" class={classes!("topo", path_class.clone())} viewBox={view_box}
                    data-path-outcome={app.path_outcome.map_or("", |o| o.as_str())}
                    preserveAspectRatio="xMinYMin meet" role="img" aria-label={summary.clone()}
                    {onwheel} {onmousedown} {onmousemove} onmouseup={end_drag.clone()} onmouseleave={end_drag} {onclick}>
                    <defs>
                        <pattern id="topo-grid" width="24" height="24" patternUnits="userSpaceOnUse">
                            <circle cx="1" cy="1" r="1" class="grid-dot" />
                        </pattern>
                    </defs>
                    <rect class="topo-bg" x="-10000" y="-10000" width="30000" height="30000" fill="url(#topo-grid)" />
                    if !t.nodes.is_empty() || !t.services.is_empty() {
                        <rect class="t-cluster" x={t.cluster.x.to_string()} y={t.cluster.y.to_string()}
                            width={t.cluster.w.to_string()} height={t.cluster.h.to_string()} rx="10" />
                        <text class="t-cluster-label" x={(t.cluster.x + t.cluster.w - 52).to_string()} y={(t.cluster.y + 15).to_string()}>{ "cluster" }</text>
                    }
                    { for t.nodes.iter().map(|n| node_frame(n, mark(&n.id))) }
                    { for t.edges.iter().map(|e| edge(e, path.contains(&e.from) && path.contains(&e.to))) }
                    { for t.nodes.iter().flat_map(|n| n.pods.iter()).map(|p| pod(p, *labels, mark(&p.id), isolated(&p.id))) }
                    { for t.nodes.iter().flat_map(|n| n.groups.iter()).map(|g| group(g, mark(&g.id))) }
                    { for t.services.iter().map(|s| service(s, mark(&s.id))) }
                    { for t.entries.iter().map(|e| html! {
                        <g class="t-entry" key={e.id.clone()}>
                            <title>{ format!("{} entry to {}", e.kind.as_str(), e.service) }</title>
                            { rect_el("t-entry-box", e.rect, "10") }
                            <text class="t-entry-text" x={(e.rect.x + e.rect.w / 2).to_string()} y={(e.rect.y + 14).to_string()} text-anchor="middle">{ &e.label }</text>
                        </g>
                    }) }
                    { for t.outside.iter().map(|o| html! {
                        <g class="t-outside" key={o.id.clone()}>
                            { rect_el("t-outside-box", o.rect, "8") }
                            <text class="t-title" x={(o.rect.x + 12).to_string()} y={(o.rect.y + 18).to_string()}>{ &o.label }</text>
                            <text class="t-sub" x={(o.rect.x + 12).to_string()} y={(o.rect.y + 34).to_string()}>
                                { if o.id == "client" { "outside the cluster" } else { "external DNS name" } }
                            </text>
                        </g>
                    }) }
                    { for t.edges.iter().filter(|e| e.kind == view::EdgeKind::NearMiss && !e.label.is_empty()).map(|e| html! {
                        <text class="t-edge-label" x={e.label_at.x.to_string()} y={e.label_at.y.to_string()} text-anchor="middle">{ &e.label }</text>
                    }) }
                </svg>
                <p class="topo-hint" aria-hidden="true">{ "Drag to pan · wheel to zoom" }</p>
            </div>
            if let Some(analysis) = table_shows {
                <TopologyTable {analysis} visible={*table} />
            } else {
                <div class="topo-table sr-only" data-testid="topology-table"></div>
            }
        </section>
    }
}

fn zoom_at(v: ViewBox, ux: f64, uy: f64, f: f64) -> ViewBox {
    let w = (v.2 * f).clamp(MIN_SPAN, MAX_SPAN);
    let f = w / v.2;
    let h = v.3 * f;
    (ux - (ux - v.0) * f, uy - (uy - v.1) * f, w, h)
}

fn rect_el(class: &'static str, r: Rect, rx: &'static str) -> Html {
    html! {
        <rect class={class} x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx={rx} />
    }
}

/// A box with its namespace stripe on the left.
fn boxed(class: &'static str, r: Rect, color: u8) -> Html {
    html! {
        <>
            { rect_el(class, r, "6") }
            <rect class={format!("ns{color}")} x={(r.x + 1).to_string()} y={(r.y + 4).to_string()} width="4" height={(r.h - 8).max(0).to_string()} rx="2" />
        </>
    }
}

fn lines(r: Rect, ls: Vec<TextLine>) -> Html {
    html! {
        { for ls.into_iter().map(|l| html! {
            <text class={format!("t-{}", l.class)} x={(r.x + l.dx).to_string()} y={(r.y + l.dy).to_string()}
                text-anchor={if l.end { "end" } else { "start" }}>{ l.text }</text>
        }) }
    }
}

fn node_frame(n: &NodeBox, mark: Option<&'static str>) -> Html {
    let class = if n.ready || n.role == "unscheduled" { "t-node" } else { "t-node down" };
    html! {
        <g class={classes!("t-node-g", mark)} data-testid="topology-node" data-id={n.id.clone()} key={n.id.clone()}>
            { rect_el(class, n.rect, "8") }
            { lines(n.rect, view::node_lines(n)) }
        </g>
    }
}

fn pod(
    p: &PodBox,
    labels: bool,
    mark: Option<&'static str>,
    policies: Option<&PodPolicies>,
) -> Html {
    html! {
        <g class={classes!("t-pod", p.state.as_str(), mark)} data-testid="topology-pod" data-id={p.id.clone()}
            data-x={p.rect.x.to_string()} data-y={p.rect.y.to_string()} key={p.id.clone()}>
            <title>{ view::pod_title(p) }</title>
            { boxed("t-box", p.rect, p.color) }
            <circle class={format!("t-dot {}", p.state.as_str())} cx={(p.rect.x + p.rect.w - 12).to_string()} cy={(p.rect.y + 28).to_string()} r="4" />
            { lines(p.rect, view::pod_lines(p, labels)) }
            if let Some(pp) = policies.filter(|pp| pp.ingress != Isolation::NotIsolated || pp.egress != Isolation::NotIsolated) {
                { isolation_mark(p.rect, pp) }
            }
        </g>
    }
}

/// A tab on the Pod box's top edge: the directions NetworkPolicy isolates it for (`?` where the
/// network plugin decides), the policies named in its tooltip.
fn isolation_mark(r: Rect, pp: &PodPolicies) -> Html {
    let part = |dir: &str, i: Isolation| match i {
        Isolation::Isolated => Some(dir.to_string()),
        Isolation::Unknown => Some(format!("{dir}?")),
        Isolation::NotIsolated => None,
    };
    let parts: Vec<String> =
        [part("in", pp.ingress), part("out", pp.egress)].into_iter().flatten().collect();
    let mut why = Vec::new();
    if !pp.ingress_policies.is_empty() {
        why.push(format!("ingress isolated by {}", pp.ingress_policies.join(", ")));
    }
    if !pp.egress_policies.is_empty() {
        why.push(format!("egress isolated by {}", pp.egress_policies.join(", ")));
    }
    if pp.ingress == Isolation::Unknown || pp.egress == Isolation::Unknown {
        why.push("a hostNetwork Pod: whether the plugin isolates it is not defined".into());
    }
    html! {
        <g class="t-iso" data-testid="isolation-mark" data-ingress={pp.ingress.as_str()} data-egress={pp.egress.as_str()}>
            <title>{ format!("NetworkPolicy: {}", why.join("; ")) }</title>
            <rect class="t-iso-box" x={(r.x + r.w - 66).to_string()} y={(r.y - 7).to_string()} width="58" height="13" rx="3" />
            // A shield drawn, not the ⛨ character (few fonts have it).
            <path class="t-iso-text" d={format!("M{} {}l3.5-1.5 3.5 1.5v3c0 2.5-2 4-3.5 4.5-1.5-.5-3.5-2-3.5-4.5z", r.x + r.w - 63, r.y - 4)} />
            <text class="t-iso-text" x={(r.x + r.w - 33).to_string()} y={(r.y + 3).to_string()} text-anchor="middle">
                { parts.join("·") }
            </text>
        </g>
    }
}

fn group(g: &PodGroup, mark: Option<&'static str>) -> Html {
    html! {
        <g class={classes!("t-group", mark)} data-testid="topology-pod" data-id={g.id.clone()} key={g.id.clone()}>
            <title>{ format!("{} Pods of {} ({} ready)", g.count, g.owner, g.ready) }</title>
            { boxed("t-box t-group-box", g.rect, g.color) }
            { lines(g.rect, view::group_lines(g)) }
        </g>
    }
}

fn service(s: &ServiceBox, mark: Option<&'static str>) -> Html {
    html! {
        <g class={classes!("t-service", mark)} data-testid="topology-service" data-id={s.id.clone()}
            data-x={s.rect.x.to_string()} data-y={s.rect.y.to_string()} key={s.id.clone()}>
            <title>{ &s.dns_name }</title>
            { boxed("t-box t-svc", s.rect, s.color) }
            { lines(s.rect, view::service_lines(s)) }
        </g>
    }
}

fn edge(e: &Edge, on_path: bool) -> Html {
    let [a, b, c, d] = e.points;
    let path = format!("M{} {} C{} {} {} {} {} {}", a.x, a.y, b.x, b.y, c.x, c.y, d.x, d.y);
    html! {
        <path class={classes!("t-edge", e.kind.as_str(), on_path.then_some("on-path"))} d={path} data-testid="topology-edge"
            data-from={e.from.clone()} data-to={e.to.clone()} data-kind={e.kind.as_str()} key={e.id.clone()}>
            <title>{ view::edge_title(e) }</title>
        </path>
    }
}

/// The same topology as tables (visually hidden unless the Table toggle is on).
#[derive(Properties)]
struct TopologyTableProps {
    analysis: Rc<Analysis>,
    visible: bool,
}

impl PartialEq for TopologyTableProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.visible == other.visible
    }
}

/// [`topology_table`] of an analysis, drawn again only when it is another one (or shown).
#[component]
fn TopologyTable(props: &TopologyTableProps) -> Html {
    topology_table(&props.analysis.topology, props.visible)
}

fn topology_table(t: &Topology, visible: bool) -> Html {
    html! {
        <div class={classes!("topo-table", (!visible).then_some("sr-only"))} data-testid="topology-table">
            { for view::tables(t).into_iter().map(|table| html! {
                <table>
                    <caption>{ table.caption }</caption>
                    <thead><tr>{ for table.header.into_iter().map(|h| html! { <th>{ h }</th> }) }</tr></thead>
                    <tbody>
                        { for table.rows.into_iter().map(|row| html! {
                            <tr>{ for row.into_iter().map(|c| html! { <td>{ c }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            }) }
        </div>
    }
}

/// Offers `svg` as a file download through a Blob URL.
fn download_svg(svg: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(svg));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("image/svg+xml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download("topology.svg");
        a.click();
    }
    // Revoke later: the download starts asynchronously after the click.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}
