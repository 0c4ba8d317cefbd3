//! The read-only data only a split module's second part reads, moved into that part.
//!
//! `wasm-split` moves functions, not data: every string, table and vtable stays in the first
//! part's data section even when only second-part code names it (the first-topology engine's
//! diagnostic texts, most of its kinds' field names). [`move_data`] finds the `.rodata` objects
//! the first part cannot reach and moves them into the second part as active data segments at
//! the same addresses: the second module writes them into the shared memory when it is
//! instantiated, before any of its functions runs, and only its functions (or data they hand
//! on) hold their addresses.
//!
//! The objects and their extents come from wasm-ld's link map (`--Map`, one line per input
//! section; rustc puts each constant in a section of its own, and the merged C strings of
//! `<internal>:(.rodata)` are cut at their NULs). An object stays in the first part if
//! - a constant of the first part's code or globals (`i32.const`, either half of an `i64.const`:
//!   LLVM merges the stores of a pointer and a length into one) or a load's or store's offset
//!   lands in it or within [`SLACK`] bytes of it (a pointer one past an object's end, an index
//!   counted from before its start), or
//! - a kept object or any data outside `.rodata` (`.data`: statics, which are never moved)
//!   holds, at any byte, four bytes that read as an address in it.
//!
//! Moved bytes are zeroed in the first part (the same segments, so the data count stands).
//! The split check ([`crate::split::check`]) then runs both engines over every test case.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::tools;
use crate::wasm::{leb, sections, sleb, Reader};
use crate::Result;

/// How near a constant must come to an object to keep it, in bytes, either side.
const SLACK: u32 = 16;

/// What [`move_data`] moved: objects and bytes.
pub(crate) struct Moved {
    pub(crate) objects: usize,
    pub(crate) bytes: u32,
}

/// Moves the `.rodata` objects of `map` (wasm-ld's `--Map` of the module before it was split)
/// that `primary` cannot reach into `second`, in place.
pub(crate) fn move_data(primary: &Path, second: &Path, map: &Path) -> Result<Moved> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let map_text =
        std::fs::read_to_string(map).map_err(|e| format!("the link map {}: {e}", map.display()))?;
    let mut first = read(primary)?;
    let segments = active_segments(&first)?;
    let objects = rodata_objects(&map_text, &first, &segments)?;
    let constants = code_constants(primary)?;
    let moving = unreachable_objects(&first, &objects, &segments, &constants);
    if moving.is_empty() {
        return Ok(Moved { objects: 0, bytes: 0 });
    }
    // Coalesce neighbours (nothing kept lies between two moved objects that touch).
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &(a, b) in &moving {
        match runs.last_mut() {
            Some(last) if last.1 == a => last.1 = b,
            _ => runs.push((a, b)),
        }
    }
    let moved_segments: Vec<(u32, Vec<u8>)> =
        runs.iter().map(|&(a, b)| (a, read_image(&first, &segments, a, b))).collect();
    for &(a, b) in &runs {
        zero_range(&mut first, &segments, a, b);
    }
    let bytes = runs.iter().map(|(a, b)| b - a).sum();
    let second_bytes = add_data_section(&read(second)?, &moved_segments)?;
    std::fs::write(primary, first).map_err(|e| format!("{}: {e}", primary.display()))?;
    std::fs::write(second, second_bytes).map_err(|e| format!("{}: {e}", second.display()))?;
    Ok(Moved { objects: moving.len(), bytes })
}

/// Fails unless `map` is wasm-ld's map of `linked` (its code and data sections the sizes the map
/// gives): a map left from an older link would move the wrong bytes.
pub(crate) fn check_map(map: &Path, linked: &Path) -> Result {
    let text = std::fs::read_to_string(map).map_err(|e| format!("{}: {e}", map.display()))?;
    let wasm = std::fs::read(linked).map_err(|e| format!("{}: {e}", linked.display()))?;
    for (id, name) in [(10u8, "CODE"), (11, "DATA")] {
        let in_map = text.lines().find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 4 && f[3] == name).then(|| u32::from_str_radix(f[2], 16).ok()).flatten()
        });
        // The map's size is the whole section's: its id, its size and its body.
        let in_wasm = sections(&wasm)?.into_iter().find(|s| s.0 == id).map(|s| {
            let body = (s.2 - s.1) as u32;
            body + 1 + leb(body).len() as u32
        });
        if in_map.is_none() || in_map != in_wasm {
            return Err(format!(
                "the link map {} is not of {} ({name}: {in_map:?} B in the map, {in_wasm:?} in the wasm)",
                map.display(),
                linked.display()
            ));
        }
    }
    Ok(())
}

/// An active data segment: its address, and where its bytes are in the module.
#[derive(Clone, Copy, Debug)]
struct Segment {
    address: u32,
    at: usize,
    len: usize,
}

/// The module's active data segments (a passive one is an error: nothing here writes them).
fn active_segments(wasm: &[u8]) -> Result<Vec<Segment>> {
    let mut out = Vec::new();
    for (id, start, end) in sections(wasm)? {
        if id != 11 {
            continue;
        }
        let mut r = Reader { bytes: &wasm[..end], at: start };
        for _ in 0..r.leb()? {
            let flags = r.leb()?;
            if flags == 2 {
                r.leb()?;
            } else if flags != 0 {
                return Err(format!("a data segment with flags {flags} (only active ones here)"));
            }
            if r.byte()? != 0x41 {
                return Err("a data segment whose offset is not an i32.const".into());
            }
            let address = r.sleb()? as u32;
            if r.byte()? != 0x0b {
                return Err("a data segment's offset expression is longer than i32.const".into());
            }
            let len = r.leb()? as usize;
            out.push(Segment { address, at: r.at, len });
            r.at += len;
        }
    }
    Ok(out)
}

/// The `.rodata` objects of wasm-ld's map, in address order: `[start, end)`. Merged C strings
/// (`<internal>:(.rodata)`) are one object per string.
fn rodata_objects(map: &str, module: &[u8], segments: &[Segment]) -> Result<Vec<(u32, u32)>> {
    // Which column a line's name starts in tells an output section, an input section and a
    // symbol apart (`    Addr      Off     Size Out     In      Symbol`).
    let header = map.lines().next().unwrap_or_default();
    let (Some(out_col), Some(in_col)) =
        (header.find(" Out ").map(|c| c + 1), header.find(" In ").map(|c| c + 1))
    else {
        return Err("the link map has no `Addr Off Size Out In Symbol` header".into());
    };
    let mut out = Vec::new();
    let mut section = "";
    for line in map.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let name_column = fields.get(3).and_then(|name| line.rfind(name));
        let [addr, _off, size, rest @ ..] = fields.as_slice() else { continue };
        let (Ok(addr), Ok(size)) = (u32::from_str_radix(addr, 16), u32::from_str_radix(size, 16))
        else {
            continue;
        };
        let Some(name) = rest.first() else { continue };
        if name_column == Some(out_col) {
            section = name;
            continue;
        }
        if section != ".rodata" || name_column != Some(in_col) || size == 0 {
            continue;
        }
        if name.starts_with("<internal>:(.rodata") {
            let image = read_image(module, segments, addr, addr + size);
            let mut start = addr;
            for (i, b) in image.iter().enumerate() {
                if *b == 0 {
                    out.push((start, addr + i as u32 + 1));
                    start = addr + i as u32 + 1;
                }
            }
            if start < addr + size {
                out.push((start, addr + size));
            }
        } else {
            out.push((addr, addr + size));
        }
    }
    if out.is_empty() {
        return Err("no .rodata objects in the link map".into());
    }
    out.sort_unstable();
    Ok(out)
}

/// Every constant the first part's code and globals name (the halves of an `i64.const` too) and
/// every load's and store's offset, from binaryen's text of it.
fn code_constants(primary: &Path) -> Result<Vec<u32>> {
    let out = Command::new(tools::npm_bin("wasm-dis"))
        .arg(primary)
        .output()
        .map_err(|e| format!("wasm-dis: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "wasm-dis {}: {}",
            primary.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut constants = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("(data ") {
            continue;
        }
        for (token, wide) in [("i32.const ", false), ("i64.const ", true), ("offset=", false)] {
            for (at, _) in line.match_indices(token) {
                let digits: String = line[at + token.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '-')
                    .collect();
                let Ok(value) = digits.parse::<i64>() else { continue };
                if wide {
                    constants.push(value as u32);
                    constants.push((value >> 32) as u32);
                } else {
                    constants.push(value as u32);
                }
            }
        }
    }
    constants.sort_unstable();
    constants.dedup();
    Ok(constants)
}

/// The objects nothing of the first part reaches (see the module's comment).
fn unreachable_objects(
    module: &[u8],
    objects: &[(u32, u32)],
    segments: &[Segment],
    constants: &[u32],
) -> Vec<(u32, u32)> {
    let starts: Vec<u32> = objects.iter().map(|o| o.0).collect();
    // The objects overlapping [lo, hi).
    let touching = |lo: u32, hi: u32| -> Vec<usize> {
        let mut i = starts.partition_point(|&s| s <= lo).saturating_sub(1);
        let mut out = Vec::new();
        while i < objects.len() && objects[i].0 < hi {
            if objects[i].1 > lo {
                out.push(i);
            }
            i += 1;
        }
        out
    };
    let (lo, hi) = (objects[0].0, objects[objects.len() - 1].1);
    let mut kept: BTreeSet<usize> = BTreeSet::new();
    let mut work: Vec<usize> = Vec::new();
    for &c in constants {
        if c.saturating_add(SLACK) >= lo && c < hi.saturating_add(SLACK) {
            work.extend(touching(c.saturating_sub(SLACK), c.saturating_add(SLACK + 1)));
        }
    }
    // Four bytes at any offset of `image` that read as an address in some object.
    let pointers = |image: &[u8], work: &mut Vec<usize>| {
        for w in image.windows(4) {
            let v = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            if v >= lo && v < hi {
                work.extend(touching(v, v + 1));
            }
        }
    };
    // Everything in the data segments outside the objects (`.data`, what lies between) is kept.
    for s in segments {
        let (a, b) = (s.address, s.address + s.len as u32);
        let mut from = a;
        for i in touching(a, b) {
            if objects[i].0 > from {
                pointers(&read_image(module, segments, from, objects[i].0), &mut work);
            }
            from = from.max(objects[i].1);
        }
        if from < b {
            pointers(&read_image(module, segments, from, b), &mut work);
        }
    }
    while let Some(i) = work.pop() {
        if kept.insert(i) {
            let (a, b) = objects[i];
            pointers(&read_image(module, segments, a, b), &mut work);
        }
    }
    objects.iter().enumerate().filter(|(i, _)| !kept.contains(i)).map(|(_, o)| *o).collect()
}

/// The bytes of memory `[a, b)` as `module`'s segments initialise it (zero where none does).
fn read_image(module: &[u8], segments: &[Segment], a: u32, b: u32) -> Vec<u8> {
    let mut out = vec![0u8; (b - a) as usize];
    for s in segments {
        let (sa, sb) = (s.address, s.address + s.len as u32);
        let (from, to) = (a.max(sa), b.min(sb));
        if from < to {
            let src = s.at + (from - sa) as usize;
            out[(from - a) as usize..(to - a) as usize]
                .copy_from_slice(&module[src..src + (to - from) as usize]);
        }
    }
    out
}

/// Zeroes memory `[a, b)` in the module's segments.
fn zero_range(module: &mut [u8], segments: &[Segment], a: u32, b: u32) {
    for s in segments {
        let (sa, sb) = (s.address, s.address + s.len as u32);
        let (from, to) = (a.max(sa), b.min(sb));
        if from < to {
            let at = s.at + (from - sa) as usize;
            module[at..at + (to - from) as usize].fill(0);
        }
    }
}

/// Whether `module` imports a memory.
fn imports_memory(module: &[u8], sections: &[(u8, usize, usize)]) -> Result<bool> {
    let Some(&(_, start, end)) = sections.iter().find(|s| s.0 == 2) else { return Ok(false) };
    let mut r = Reader { bytes: &module[..end], at: start };
    for _ in 0..r.leb()? {
        r.name()?;
        r.name()?;
        let kind = r.byte()?;
        r.import_desc(kind)?;
        if kind == 2 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `module` with a data section of active segments `(address, bytes)` after its code section
/// (it must have none yet).
fn add_data_section(module: &[u8], segments: &[(u32, Vec<u8>)]) -> Result<Vec<u8>> {
    let sections = sections(module)?;
    if sections.iter().any(|s| s.0 == 11 || s.0 == 12) {
        return Err("the second part already has data".into());
    }
    let code_end = sections.iter().find(|s| s.0 == 10).ok_or("the second part has no code")?.2;
    if !imports_memory(module, &sections)? {
        return Err("the second part does not import the first part's memory".into());
    }
    let mut body = leb(segments.len() as u32);
    for (address, bytes) in segments {
        body.push(0);
        body.push(0x41);
        body.extend(sleb(i64::from(*address as i32)));
        body.push(0x0b);
        body.extend(leb(bytes.len() as u32));
        body.extend(bytes);
    }
    let mut out = module[..code_end].to_vec();
    out.push(11);
    out.extend(leb(body.len() as u32));
    out.extend(body);
    out.extend(&module[code_end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one function (in a code section) and the given active data segments.
    fn module(data: &[(u32, &[u8])]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // A function type; the memory `p.m` imported; one function, its body empty.
        m.extend([1, 4, 1, 0x60, 0, 0, 2, 8, 1, 1, b'p', 1, b'm', 2, 0, 1, 3, 2, 1, 0]);
        m.extend([10, 4, 1, 2, 0, 0x0b]);
        if !data.is_empty() {
            let mut body = leb(data.len() as u32);
            for (address, bytes) in data {
                body.extend([0, 0x41]);
                body.extend(sleb(i64::from(*address as i32)));
                body.push(0x0b);
                body.extend(leb(bytes.len() as u32));
                body.extend(*bytes);
            }
            m.push(11);
            m.extend(leb(body.len() as u32));
            m.extend(body);
        }
        m
    }

    const MAP: &str = "    Addr      Off     Size Out     In      Symbol
       -      100       40 DATA
  100000      101       30 .rodata
  100000      101        4         a.o:(.rodata..Lanon.1)
  100000      101        4                 .Lanon.1
  100004      105        8         <internal>:(.rodata)
  10000c      10d       10         a.o:(.rodata.table)
  10000c      10d       10                 table
  100030      131       10 .data
  100030      131        8         a.o:(.data.x)
";

    #[test]
    fn a_map_of_another_link_is_refused() {
        let dir = std::env::temp_dir().join(format!("netsim-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (map, wasm) = (dir.join("m.map"), dir.join("m.wasm"));
        // The module's code section: id, size 4, body of 4 bytes (6 B); its data section: id,
        // size, 1 segment of 1 byte at 0x100000 (12 B).
        std::fs::write(&wasm, module(&[(0x100000, b"x")])).unwrap();
        let text = |code: u32| {
            format!("    Addr      Off     Size Out     In      Symbol\n       -       14        {code:x} CODE\n       -       1a        c DATA\n")
        };
        std::fs::write(&map, text(6)).unwrap();
        assert_eq!(check_map(&map, &wasm), Ok(()));
        std::fs::write(&map, text(7)).unwrap();
        assert!(check_map(&map, &wasm).unwrap_err().contains("CODE: Some(7)"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reads_rodata_objects_and_cuts_merged_strings_at_their_nuls() {
        let m = module(&[(0x100000, b"abcdxy\0zzz\0\0")]);
        let segments = active_segments(&m).unwrap();
        assert_eq!(
            rodata_objects(MAP, &m, &segments).unwrap(),
            [
                (0x100000, 0x100004),
                (0x100004, 0x100007),
                (0x100007, 0x10000b),
                (0x10000b, 0x10000c),
                (0x10000c, 0x10001c)
            ]
        );
    }

    #[test]
    fn keeps_what_code_names_or_kept_data_points_at_and_moves_the_rest() {
        // Objects: A [0x100000, 0x100010) named by code, holding a pointer to B; B; C, pointed
        // at from .data (not an object); D, named by nothing; E, named within SLACK past its end.
        let mut image = vec![0u8; 0x60];
        image[4..8].copy_from_slice(&0x100010u32.to_le_bytes());
        image[0x50..0x54].copy_from_slice(&0x100020u32.to_le_bytes());
        let m = module(&[(0x100000, &image)]);
        let segments = active_segments(&m).unwrap();
        let objects = [
            (0x100000, 0x100010),
            (0x100010, 0x100020),
            (0x100020, 0x100030),
            (0x100030, 0x100040),
            (0x100040, 0x100048),
        ];
        let constants = [0, 7, 0x100000, 0x100048 + SLACK - 1];
        assert_eq!(
            unreachable_objects(&m, &objects, &segments, &constants),
            [(0x100030, 0x100040)]
        );
    }

    #[test]
    fn a_moved_range_becomes_a_data_segment_of_the_second_part_and_zeroes_in_the_first() {
        let mut first = module(&[(0x100000, b"keepMOVE"), (0x100100, b"more")]);
        let segments = active_segments(&first).unwrap();
        assert_eq!(read_image(&first, &segments, 0x100004, 0x100008), b"MOVE");
        assert_eq!(read_image(&first, &segments, 0x1000fe, 0x100102), b"\0\0mo");
        zero_range(&mut first, &segments, 0x100004, 0x100008);
        assert_eq!(first, module(&[(0x100000, b"keep\0\0\0\0"), (0x100100, b"more")]));
        let second = add_data_section(&module(&[]), &[(0x100004, b"MOVE".to_vec())]).unwrap();
        assert_eq!(second, module(&[(0x100004, b"MOVE")]));
        assert!(add_data_section(&second, &[]).is_err(), "a second part with data already");
        let mut no_memory = b"\0asm\x01\0\0\0".to_vec();
        no_memory.extend([1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);
        assert_eq!(
            add_data_section(&no_memory, &[(0x100004, b"MOVE".to_vec())]),
            Err("the second part does not import the first part's memory".to_string())
        );
    }
}
