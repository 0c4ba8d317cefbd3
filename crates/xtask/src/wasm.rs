//! Reading and writing the few parts of a wasm module the site build rewrites (the binary
//! format: <https://webassembly.github.io/spec/core/binary/modules.html>).

/// The module's sections: (id, where its body starts, where it ends).
pub(crate) fn sections(wasm: &[u8]) -> Result<Vec<(u8, usize, usize)>, String> {
    if wasm.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    let mut r = Reader { bytes: wasm, at: 8 };
    let mut out = Vec::new();
    while r.at < wasm.len() {
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let end = r.at + size;
        if end > wasm.len() {
            return Err("a section past the module's end".into());
        }
        out.push((id, r.at, end));
        r.at = end;
    }
    Ok(out)
}

/// `value` as unsigned LEB128.
pub(crate) fn leb(mut value: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// `value` as signed LEB128.
pub(crate) fn sleb(mut value: i64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        let done = (value == 0 && b & 0x40 == 0) || (value == -1 && b & 0x40 != 0);
        out.push(if done { b } else { b | 0x80 });
        if done {
            return out;
        }
    }
}

/// A name as the binary format writes it: its length, then its bytes.
pub(crate) fn name(s: &str) -> Vec<u8> {
    let mut out = leb(s.len() as u32);
    out.extend(s.as_bytes());
    out
}

/// Reads `bytes` from `at` on.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("unexpected end of module")?;
        self.at += 1;
        Ok(b)
    }

    pub(crate) fn leb(&mut self) -> Result<u32, String> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("LEB128 too long".into())
    }

    pub(crate) fn sleb(&mut self) -> Result<i64, String> {
        let mut value = 0i64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1 << shift;
                }
                return Ok(value);
            }
            if shift >= 64 {
                return Err("signed LEB128 too long".into());
            }
        }
    }

    /// A name's bytes.
    pub(crate) fn name(&mut self) -> Result<&'a [u8], String> {
        let len = self.leb()? as usize;
        let name = self.bytes.get(self.at..self.at + len).ok_or("unexpected end of module")?;
        self.at += len;
        Ok(name)
    }

    /// A name, which must be UTF-8.
    pub(crate) fn string(&mut self) -> Result<String, String> {
        String::from_utf8(self.name()?.to_vec()).map_err(|_| "a name that is not UTF-8".into())
    }

    /// A table's or memory's limits: whether the table is externref is the caller's byte.
    pub(crate) fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    /// An import's description of `kind` (function, table, memory, global, tag); for a table,
    /// whether it is an externref one.
    pub(crate) fn import_desc(&mut self, kind: u8) -> Result<Option<bool>, String> {
        const EXTERNREF: u8 = 0x6f;
        match kind {
            0 => drop(self.leb()?),
            1 => {
                let externref = self.byte()? == EXTERNREF;
                self.limits()?;
                return Ok(Some(externref));
            }
            2 => self.limits()?,
            3 => self.at += 2,
            4 => {
                self.byte()?;
                self.leb()?;
            }
            k => return Err(format!("unknown import kind {k}")),
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lebs_read_back() {
        for v in [0u32, 1, 127, 128, 0x100000, u32::MAX] {
            assert_eq!(Reader { bytes: &leb(v), at: 0 }.leb(), Ok(v));
        }
        for v in [0i64, -1, 63, 64, -65, 0x100000, i64::from(i32::MIN)] {
            assert_eq!(Reader { bytes: &sleb(v), at: 0 }.sleb(), Ok(v));
        }
        assert_eq!(sleb(0x100000), [0x80, 0x80, 0xc0, 0x00]);
    }
}
