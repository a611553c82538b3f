//! Just enough TrueType/OpenType parsing to read an embedded font's `cmap` table,
//! inverted to glyph id → Unicode: the last resort for Identity-H fonts that ship
//! no ToUnicode map (CID → GID via CIDToGIDMap, GID → Unicode via the font).

use std::collections::HashMap;

/// At most this many (code point, glyph) pairs are read from one cmap subtable.
const MAX_PAIRS: usize = 1 << 20;

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(o)?, *b.get(o + 1)?]))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(o)?,
        *b.get(o + 1)?,
        *b.get(o + 2)?,
        *b.get(o + 3)?,
    ]))
}

/// Glyph id → Unicode scalar from a font program's `cmap` (Unicode subtables only).
/// Returns an empty map when the font has no usable cmap; never panics on bad data.
pub fn glyph_to_unicode(font: &[u8]) -> HashMap<u16, char> {
    let mut out = HashMap::new();
    let Some(cmap) = find_table(font, b"cmap") else {
        return out;
    };
    let n = u16_at(cmap, 2).unwrap_or(0) as usize;
    // preference: full Unicode (3,10) / (0,4+), then BMP (3,1) / (0,x)
    let mut best: Option<(u8, usize)> = None;
    for i in 0..n {
        let rec = 4 + i * 8;
        let (Some(pid), Some(eid), Some(off)) = (
            u16_at(cmap, rec),
            u16_at(cmap, rec + 2),
            u32_at(cmap, rec + 4),
        ) else {
            break;
        };
        let rank = match (pid, eid) {
            (3, 10) => 4,
            (0, 4) | (0, 6) => 3,
            (3, 1) => 2,
            (0, _) => 1,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, off as usize));
        }
    }
    let Some((_, off)) = best else {
        return out;
    };
    let Some(sub) = cmap.get(off..) else {
        return out;
    };
    let mut add = |c: u32, gid: u32| {
        if gid != 0 && gid <= 0xffff {
            if let Some(ch) = char::from_u32(c) {
                out.entry(gid as u16).or_insert(ch);
            }
        }
    };
    match u16_at(sub, 0) {
        Some(4) => {
            let seg2 = u16_at(sub, 6).unwrap_or(0) as usize;
            let segs = seg2 / 2;
            let (ends, starts, deltas, ranges) = (14, 16 + seg2, 16 + 2 * seg2, 16 + 3 * seg2);
            let mut count = 0;
            for i in 0..segs {
                let (Some(end), Some(start), Some(delta), Some(ro)) = (
                    u16_at(sub, ends + 2 * i),
                    u16_at(sub, starts + 2 * i),
                    u16_at(sub, deltas + 2 * i),
                    u16_at(sub, ranges + 2 * i),
                ) else {
                    break;
                };
                if start > end {
                    continue;
                }
                for c in start..=end {
                    if c == 0xffff {
                        break;
                    }
                    count += 1;
                    if count > MAX_PAIRS {
                        return out;
                    }
                    let gid = if ro == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * i + ro as usize + 2 * (c - start) as usize;
                        match u16_at(sub, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    add(c as u32, gid as u32);
                }
            }
        }
        Some(12) => {
            let groups = u32_at(sub, 12).unwrap_or(0) as usize;
            let mut count = 0usize;
            for g in 0..groups {
                let at = 16 + g * 12;
                let (Some(s), Some(e), Some(gid)) =
                    (u32_at(sub, at), u32_at(sub, at + 4), u32_at(sub, at + 8))
                else {
                    break;
                };
                if s > e || e > 0x10ffff {
                    continue;
                }
                for c in s..=e {
                    count += 1;
                    if count > MAX_PAIRS {
                        return out;
                    }
                    add(c, gid.saturating_add(c - s));
                }
            }
        }
        _ => {}
    }
    out
}

fn find_table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let n = u16_at(font, 4)? as usize;
    for i in 0..n.min(256) {
        let rec = 12 + i * 16;
        if font.get(rec..rec + 4)? == tag {
            let off = u32_at(font, rec + 8)? as usize;
            let len = u32_at(font, rec + 12)? as usize;
            return font.get(off..off.checked_add(len)?);
        }
    }
    None
}

/// A minimal sfnt holding only a format-4 `cmap` that maps each char to its glyph id
/// (BMP only). Used by the test fixtures to embed a font without a ToUnicode map.
pub fn minimal_font_with_cmap(pairs: &[(char, u16)]) -> Vec<u8> {
    let mut pairs: Vec<(u16, u16)> = pairs
        .iter()
        .filter_map(|&(c, g)| u16::try_from(c as u32).ok().map(|c| (c, g)))
        .filter(|&(c, _)| c != 0xffff)
        .collect();
    pairs.sort();
    pairs.dedup_by_key(|p| p.0);
    let segs = pairs.len() + 1;
    let mut sub = Vec::new();
    let seg2 = (segs * 2) as u16;
    for v in [4u16, 0, 0, seg2, 0, 0, 0] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    for &(c, _) in &pairs {
        sub.extend_from_slice(&c.to_be_bytes()); // endCode
    }
    sub.extend_from_slice(&0xffffu16.to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for &(c, _) in &pairs {
        sub.extend_from_slice(&c.to_be_bytes()); // startCode
    }
    sub.extend_from_slice(&0xffffu16.to_be_bytes());
    for &(c, g) in &pairs {
        sub.extend_from_slice(&g.wrapping_sub(c).to_be_bytes()); // idDelta
    }
    sub.extend_from_slice(&1u16.to_be_bytes());
    for _ in 0..segs {
        sub.extend_from_slice(&0u16.to_be_bytes()); // idRangeOffset
    }
    let len = sub.len() as u16;
    sub[2..4].copy_from_slice(&len.to_be_bytes());
    sfnt_with_cmap_subtable(&sub)
}

/// An sfnt whose only table is a `cmap` with one (3,1) subtable.
fn sfnt_with_cmap_subtable(sub: &[u8]) -> Vec<u8> {
    // cmap header: version 0, one subtable (3,1) at offset 12
    let mut cmap = Vec::new();
    for v in [0u16, 1, 3, 1] {
        cmap.extend_from_slice(&v.to_be_bytes());
    }
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend_from_slice(sub);
    // sfnt: version, 1 table, then the table record
    let mut f = Vec::new();
    f.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [1u16, 16, 0, 0] {
        f.extend_from_slice(&v.to_be_bytes());
    }
    f.extend_from_slice(b"cmap");
    f.extend_from_slice(&0u32.to_be_bytes());
    f.extend_from_slice(&28u32.to_be_bytes());
    f.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
    f.extend_from_slice(&cmap);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format4_round_trip() {
        let font = minimal_font_with_cmap(&[('部', 1), ('门', 2), ('5', 3), ('😀', 4)]);
        let m = glyph_to_unicode(&font);
        assert_eq!(m.get(&1), Some(&'部'));
        assert_eq!(m.get(&2), Some(&'门'));
        assert_eq!(m.get(&3), Some(&'5'));
        assert_eq!(m.get(&4), None); // outside the BMP: not in a format-4 table
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn format4_with_glyph_id_array() {
        // hand-built: one segment 0x41..0x42 using idRangeOffset into glyphIdArray
        let mut sub: Vec<u8> = Vec::new();
        for v in [
            4u16, 0, 0, 4, 0, 0, 0, 0x42, 0xffff, 0, 0x41, 0xffff, 0, 1, 4, 0, 7, 9,
        ] {
            sub.extend_from_slice(&v.to_be_bytes());
        }
        // idRangeOffset[0] = 4 bytes from its own position → glyphIdArray[0]
        let f = sfnt_with_cmap_subtable(&sub);
        let m = glyph_to_unicode(&f);
        assert_eq!(m.get(&7), Some(&'A'));
        assert_eq!(m.get(&9), Some(&'B'));
    }

    #[test]
    fn garbage_fonts_give_empty_maps() {
        assert!(glyph_to_unicode(b"").is_empty());
        assert!(glyph_to_unicode(&[0, 1, 0, 0, 0xff, 0xff]).is_empty());
        let mut f = minimal_font_with_cmap(&[('a', 1)]);
        f.truncate(f.len() - 6);
        let _ = glyph_to_unicode(&f);
    }
}
