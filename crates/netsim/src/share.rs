//! Share links: the whole playground state (manifests, view, pending request, scenario) in one
//! compact, URL-fragment-safe string, and back.
//!
//! Format (version 1): `1.` followed by base64url (RFC 4648 §5, no padding) of an LZ77-compressed
//! binary payload. The playground puts it in the fragment as `#s=<encoded>`; fragments never reach
//! the server, so a link carries the learner's YAML without uploading it anywhere.
//!
//! * Payload: `varint n_files, (str name, str text)*, str view, u8 has_request [str from,
//!   str target], u8 has_scenario [str scenario]`; `str` is a varint byte length + UTF-8 bytes.
//! * Compression: a small byte-oriented LZ77 in the style of LZ4 (hash chains, greedy matching,
//!   1 MiB window, a preset dictionary of common manifest text): `varint decompressed_len`, then sequences of `token` (high nibble: literal
//!   count, low nibble: match length − 4, 15 = "more follows as a varint"), literals, and — unless
//!   the stream ends after the literals — a varint match offset. Written here rather than adding
//!   a crate: it is a few hundred lines, has no `unsafe`, and costs nothing extra in the wasm build.
//!   The dictionary makes lesson-sized links short (the default scenario: about 330 characters).
//!
//! Invariants: `decode(encode(s)) == s` for every state; `decode` never panics on any input, never
//! allocates more than [`MAX_DECODED`] bytes of output, and says what is wrong with a bad link.

use std::fmt;

/// The version prefix of the current format.
pub const PREFIX: &str = "1.";
/// The fragment key the playground uses: `#s=<encoded>`.
pub const FRAGMENT_KEY: &str = "s=";
/// Upper bound of a decoded (decompressed) payload: 10 MB. A hostile link cannot make `decode`
/// allocate more than this.
pub const MAX_DECODED: usize = 10_000_000;
/// Upper bound of an encoded link accepted by `decode` (well above any browser's URL limit).
pub const MAX_ENCODED: usize = 16_000_000;

/// Everything a share link restores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareState {
    /// The editor's files in order: (file name, text).
    pub files: Vec<(String, String)>,
    /// The selected view (pane), e.g. `topology`, `requests`, `iptables`.
    pub view: String,
    /// The pending request: (from, target), as `netsim request` takes them.
    pub request: Option<(String, String)>,
    /// The scenario the state started from, if any (its `name` in the index).
    pub scenario: Option<String>,
}

/// Why a link could not be opened. Every variant's message is a sentence a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Nothing after `#s=`.
    Empty,
    /// The text does not start with a known version (`1.`).
    UnknownVersion(String),
    /// A character that is not base64url (`A-Z a-z 0-9 - _`).
    InvalidCharacter { position: usize, found: char },
    /// A base64 length that no byte sequence encodes to (one stray character at the end).
    InvalidLength,
    /// The link is longer than any link this program writes.
    TooLong { len: usize },
    /// The data announces more bytes than the decoder's limit ([`MAX_DECODED`] unless the
    /// caller asked for less, see [`decode_limited`]).
    TooLarge { declared: u64, limit: usize },
    /// The compressed data ends early (the link was cut off).
    Truncated,
    /// The compressed or payload data is inconsistent (the link was altered).
    Corrupt(&'static str),
    /// A text in the link is not UTF-8.
    InvalidUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "the share link is empty"),
            DecodeError::UnknownVersion(v) => write!(
                f,
                "the share link has an unknown format ({v:?}); it may come from a newer version of \
                 the playground"
            ),
            DecodeError::InvalidCharacter { position, found } => write!(
                f,
                "the share link contains {found:?} at position {position}, which is not allowed in \
                 a link; was it copied completely?"
            ),
            DecodeError::InvalidLength => {
                write!(f, "the share link has an impossible length; was it copied completely?")
            }
            DecodeError::TooLong { len } => {
                write!(f, "the share link is too long ({len} characters)")
            }
            DecodeError::TooLarge { declared, limit } => write!(
                f,
                "the share link would expand to {declared} bytes, more than the limit of {limit}"
            ),
            DecodeError::Truncated => {
                write!(f, "the share link is cut off; was it copied completely?")
            }
            DecodeError::Corrupt(what) => write!(f, "the share link is damaged ({what})"),
            DecodeError::InvalidUtf8 => {
                write!(f, "the share link is damaged (a text in it is not valid UTF-8)")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// A stable kebab-case code for the error (for UIs and tests).
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Empty => "share-empty",
            DecodeError::UnknownVersion(_) => "share-unknown-version",
            DecodeError::InvalidCharacter { .. } => "share-invalid-character",
            DecodeError::InvalidLength => "share-invalid-length",
            DecodeError::TooLong { .. } => "share-too-long",
            DecodeError::TooLarge { .. } => "share-too-large",
            DecodeError::Truncated => "share-truncated",
            DecodeError::Corrupt(_) => "share-corrupt",
            DecodeError::InvalidUtf8 => "share-invalid-utf8",
        }
    }
}

/// Encodes `state` as `1.<base64url>` (without the `#s=` of the fragment; see [`fragment`]).
pub fn encode(state: &ShareState) -> String {
    let payload = write_payload(state);
    let packed = compress(&payload);
    let mut out = String::with_capacity(PREFIX.len() + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    base64url_encode(&packed, &mut out);
    out
}

/// The URL fragment for `state`: `#s=1.<base64url>`.
pub fn fragment(state: &ShareState) -> String {
    format!("#{FRAGMENT_KEY}{}", encode(state))
}

/// Decodes a link. Accepts the encoded string alone, or a whole fragment (`#s=…`, also with
/// other `&`-separated parameters), or a whole URL containing such a fragment.
pub fn decode(link: &str) -> Result<ShareState, DecodeError> {
    decode_limited(link, MAX_DECODED)
}

/// [`decode`] with a smaller bound on the decoded size (checked against the size the link
/// announces, before anything is decompressed): a page that must answer within 100 ms opens
/// only links it can expand in that time.
pub fn decode_limited(link: &str, max_decoded: usize) -> Result<ShareState, DecodeError> {
    let max_decoded = max_decoded.min(MAX_DECODED);
    if link.len() > MAX_ENCODED {
        return Err(DecodeError::TooLong { len: link.len() });
    }
    let encoded = extract(link.trim());
    if encoded.is_empty() {
        return Err(DecodeError::Empty);
    }
    let Some(body) = encoded.strip_prefix(PREFIX) else {
        let version: String = encoded.chars().take_while(|c| *c != '.').take(8).collect();
        return Err(DecodeError::UnknownVersion(version));
    };
    let packed = base64url_decode(body, PREFIX.len())?;
    let payload = decompress(&packed, max_decoded)?;
    read_payload(&payload)
}

/// The `s=` value out of a URL, a fragment, or the encoded string itself.
fn extract(link: &str) -> &str {
    let frag = match link.split_once('#') {
        Some((_, f)) => f,
        None => link,
    };
    for part in frag.split('&') {
        if let Some(v) = part.strip_prefix(FRAGMENT_KEY) {
            return v;
        }
    }
    frag
}

// ---------------------------------------------------------------------------------------------
// Payload

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn write_payload(s: &ShareState) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, s.files.len() as u64);
    for (name, text) in &s.files {
        put_str(&mut out, name);
        put_str(&mut out, text);
    }
    put_str(&mut out, &s.view);
    match &s.request {
        Some((from, target)) => {
            out.push(1);
            put_str(&mut out, from);
            put_str(&mut out, target);
        }
        None => out.push(0),
    }
    match &s.scenario {
        Some(name) => {
            out.push(1);
            put_str(&mut out, name);
        }
        None => out.push(0),
    }
    out
}

/// A bounds-checked reader over a byte slice.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.data.get(self.pos).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        // At most 10 bytes for a u64; a longer run is corruption, not a loop.
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(DecodeError::Corrupt("number out of range"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError::Corrupt("number out of range"))
    }

    /// A length that must fit in what remains of the input.
    fn len(&mut self) -> Result<usize, DecodeError> {
        let v = self.varint()?;
        let rest = self.data.len().saturating_sub(self.pos);
        match usize::try_from(v) {
            Ok(n) if n <= rest => Ok(n),
            _ => Err(DecodeError::Truncated),
        }
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.data.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let n = self.len()?;
        let b = self.bytes(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError::InvalidUtf8)
    }

    fn flag(&mut self) -> Result<bool, DecodeError> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::Corrupt("bad flag")),
        }
    }
}

fn read_payload(data: &[u8]) -> Result<ShareState, DecodeError> {
    let mut r = Reader { data, pos: 0 };
    // Every file takes at least two bytes, so the count is bounded by the payload size.
    let n = r.varint()?;
    if n > data.len() as u64 {
        return Err(DecodeError::Corrupt("impossible file count"));
    }
    let mut files = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let text = r.string()?;
        files.push((name, text));
    }
    let view = r.string()?;
    let request = if r.flag()? { Some((r.string()?, r.string()?)) } else { None };
    let scenario = if r.flag()? { Some(r.string()?) } else { None };
    if r.pos != data.len() {
        return Err(DecodeError::Corrupt("unexpected data after the state"));
    }
    Ok(ShareState { files, view, request, scenario })
}

// ---------------------------------------------------------------------------------------------
// LZ77

/// A preset dictionary: text that manifests usually contain, placed before the input so that
/// even the first occurrence of `apiVersion: apps/v1\nkind: Deployment` is a back-reference (the
/// idea of zlib's `deflateSetDictionary`). Part of format version 1: changing it needs a new
/// [`PREFIX`].
const DICTIONARY: &[u8] = concat!(
    "topology requests iptables dns table pod/client http://",
    "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\n",
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ",
    "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker\n",
    "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n",
    "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ",
    "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ",
    "    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: ",
    "  type: LoadBalancer\n  type: ExternalName\n  externalName: \n  clusterIP: None\n",
    "  externalTrafficPolicy: Local\n  sessionAffinity: ClientIP\n  nodeName: kind-worker2\n",
    "status:\n  phase: Running\n  podIP: 10.244.1.\n  conditions:\n  - type: Ready\n    status: \"True\"\n",
    "      nodeSelector:\n        kubernetes.io/hostname: ",
    "    command: [\"sleep\", \"infinity\"]\n    image: busybox:1.36\n",
    "  type: NodePort\n  selector:\n    app: \n  ports:\n  - port: 80\n    targetPort: 8080\n    nodePort: 30080\n    protocol: TCP\n",
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  labels:\n    app: web\nspec:\n",
    "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\n  labels:\n    app: \nspec:\n  containers:\n  - name: ",
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports:\n        - name: http\n          containerPort: 80\n",
)
.as_bytes();

const MIN_MATCH: usize = 4;
const WINDOW: usize = 1 << 20;
const HASH_BITS: u32 = 15;
const MAX_CHAIN: usize = 48;
const NICE_MATCH: usize = 128;

fn hash4(b: &[u8]) -> usize {
    let v = match b {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    };
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

fn put_nibble_len(out: &mut Vec<u8>, n: usize) {
    if n >= 15 {
        put_varint(out, (n - 15) as u64);
    }
}

fn emit(out: &mut Vec<u8>, literals: &[u8], m: Option<(usize, usize)>) {
    let lit = literals.len();
    let ml = m.map_or(0, |(len, _)| len - MIN_MATCH);
    let token = ((lit.min(15) as u8) << 4) | (ml.min(15) as u8);
    out.push(token);
    put_nibble_len(out, lit);
    out.extend_from_slice(literals);
    if let Some((len, offset)) = m {
        put_varint(out, offset as u64);
        put_nibble_len(out, len - MIN_MATCH);
    }
}

/// Compresses `input` (greedy LZ77 with hash chains; deterministic).
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 16);
    put_varint(&mut out, data.len() as u64);
    // Match over dictionary + data; only the data part is written.
    let mut buf = Vec::with_capacity(DICTIONARY.len() + data.len());
    buf.extend_from_slice(DICTIONARY);
    buf.extend_from_slice(data);
    let input = &buf[..];
    let n = input.len();
    let mut head = vec![usize::MAX; 1 << HASH_BITS];
    let mut prev = vec![usize::MAX; n];
    let mut lit_start = DICTIONARY.len();
    let mut i = DICTIONARY.len();
    let insert = |pos: usize, head: &mut Vec<usize>, prev: &mut Vec<usize>| {
        if let Some(w) = input.get(pos..pos + MIN_MATCH) {
            let h = hash4(w);
            if let (Some(p), Some(hd)) = (prev.get_mut(pos), head.get_mut(h)) {
                *p = *hd;
                *hd = pos;
            }
        }
    };
    for p in 0..DICTIONARY.len() {
        insert(p, &mut head, &mut prev);
    }
    while i + MIN_MATCH <= n {
        let h = input.get(i..i + MIN_MATCH).map_or(0, hash4);
        let mut cand = head.get(h).copied().unwrap_or(usize::MAX);
        let mut best = (0usize, 0usize);
        let mut chain = 0;
        while cand != usize::MAX && chain < MAX_CHAIN && i - cand <= WINDOW {
            let len = input[cand..].iter().zip(&input[i..]).take_while(|(a, b)| a == b).count();
            if len > best.0 {
                best = (len, i - cand);
                // Long enough: searching further costs more than it saves (zlib's "nice_match").
                if i + len == n || len >= NICE_MATCH {
                    break;
                }
            }
            cand = prev.get(cand).copied().unwrap_or(usize::MAX);
            chain += 1;
        }
        if best.0 >= MIN_MATCH {
            emit(&mut out, &input[lit_start..i], Some(best));
            for p in i..i + best.0 {
                insert(p, &mut head, &mut prev);
            }
            i += best.0;
            lit_start = i;
        } else {
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    // The last sequence: literals only (possibly none); the stream ends after them.
    emit(&mut out, &input[lit_start..], None);
    out
}

/// Decompresses what [`compress`] wrote. Never writes more than `limit` bytes (plus the
/// dictionary it starts from).
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut r = Reader { data, pos: 0 };
    let declared = r.varint()?;
    if declared > limit as u64 {
        return Err(DecodeError::TooLarge { declared, limit });
    }
    let d = DICTIONARY.len();
    let total = d + declared as usize;
    let mut out: Vec<u8> = Vec::with_capacity(d + (total - d).min(data.len().saturating_mul(64)));
    out.extend_from_slice(DICTIONARY);
    loop {
        let token = r.byte()?;
        let mut lit = usize::from(token >> 4);
        if lit == 15 {
            lit = add_len(lit, r.varint()?)?;
        }
        if lit > total - out.len() {
            return Err(DecodeError::Corrupt("more data than announced"));
        }
        out.extend_from_slice(r.bytes(lit)?);
        if out.len() == total {
            // The end of the stream: the encoder writes no match after the final literals.
            if token & 0x0f != 0 || r.pos != data.len() {
                return Err(DecodeError::Corrupt("unexpected data after the end"));
            }
            return Ok(out.split_off(d));
        }
        let offset = r.varint()?;
        let mut len = usize::from(token & 0x0f);
        if len == 15 {
            len = add_len(len, r.varint()?)?;
        }
        len += MIN_MATCH;
        if offset == 0 || offset > out.len() as u64 {
            return Err(DecodeError::Corrupt("a back-reference points before the start"));
        }
        if len > total - out.len() {
            return Err(DecodeError::Corrupt("more data than announced"));
        }
        let start = out.len() - offset as usize;
        // Overlapping copies (offset < len) repeat the pattern, byte by byte as LZ77 defines.
        for k in 0..len {
            let b = *out.get(start + k).ok_or(DecodeError::Corrupt("bad back-reference"))?;
            out.push(b);
        }
    }
}

fn add_len(base: usize, extra: u64) -> Result<usize, DecodeError> {
    usize::try_from(extra)
        .ok()
        .and_then(|e| base.checked_add(e))
        .filter(|n| *n <= MAX_DECODED)
        .ok_or(DecodeError::Corrupt("length out of range"))
}

// ---------------------------------------------------------------------------------------------
// base64url (RFC 4648 §5), no padding

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_char(v: u32) -> char {
    char::from(ALPHABET[(v & 63) as usize])
}

fn base64url_encode(data: &[u8], out: &mut String) {
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(b64_char(v >> 18));
        out.push(b64_char(v >> 12));
        if chunk.len() > 1 {
            out.push(b64_char(v >> 6));
        }
        if chunk.len() > 2 {
            out.push(b64_char(v));
        }
    }
}

fn b64_value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// Decodes base64url without padding; `offset` is added to reported positions.
fn base64url_decode(s: &str, offset: usize) -> Result<Vec<u8>, DecodeError> {
    // Tolerate trailing `=` padding some tools add.
    let s = s.trim_end_matches('=');
    let bytes = s.as_bytes();
    if bytes.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut v: u32 = 0;
        for (k, c) in chunk.iter().enumerate() {
            let Some(d) = b64_value(*c) else {
                let pos = ci * 4 + k;
                let found = s.get(pos..).and_then(|t| t.chars().next()).unwrap_or('\u{fffd}');
                return Err(DecodeError::InvalidCharacter { position: pos + offset, found });
            };
            v |= d << (18 - 6 * k as u32);
        }
        out.push((v >> 16) as u8);
        if chunk.len() > 2 {
            out.push((v >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(v as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
