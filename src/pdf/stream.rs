//! Stream decoding that reports damage instead of hiding it.
//!
//! lopdf decodes a stream's filters but, for Flate data, only logs a failed zlib
//! checksum or a cut-off stream and returns whatever it inflated: one flipped bit
//! then silently changes a page's text. [`decode`] takes lopdf's bytes (so good
//! files read exactly as before) and checks the Flate data itself.

use flate2::{Decompress, FlushDecompress, Status};
use lopdf::Stream;

/// What decoding one stream gave.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// The decoded bytes; `Some(reason)` when the data is damaged (the bytes are
    /// what could be recovered and may be wrong).
    Bytes(Vec<u8>, Option<String>),
    /// The decoded stream would be larger than the limit given.
    TooLarge,
}

/// Filters lopdf can decode.
const KNOWN_FILTERS: &[&[u8]] = &[
    b"FlateDecode",
    b"LZWDecode",
    b"ASCII85Decode",
    b"ASCIIHexDecode",
    b"RunLengthDecode",
    b"BrotliDecode",
];

/// Decodes `stream` to at most `limit` bytes, checking Flate data for damage.
pub(crate) fn decode(stream: &Stream, limit: usize) -> Decoded {
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    if let Some(f) = filters
        .iter()
        .find(|f| !KNOWN_FILTERS.contains(&f.as_slice()))
    {
        return Decoded::Bytes(
            Vec::new(),
            Some(format!("unknown filter /{}", String::from_utf8_lossy(f))),
        );
    }
    let bytes = match stream.get_plain_content_with_limit(limit) {
        Ok(b) => b,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Decoded::TooLarge
        }
        Err(e) => return Decoded::Bytes(Vec::new(), Some(format!("cannot decode: {e}"))),
    };
    // lopdf gives the raw bytes for Flate data it could not inflate at all; the
    // first filter reads the raw content, so its zlib framing can be checked.
    let damage = match filters.first() {
        Some(f) if f == b"FlateDecode" && !stream.content.is_empty() => {
            check_zlib(&stream.content).err()
        }
        _ => None,
    };
    Decoded::Bytes(bytes, damage)
}

/// Inflates zlib data into a scratch buffer, discarding the output: an error when
/// the data is corrupt, its Adler-32 checksum fails, or it ends before its end marker.
pub(crate) fn check_zlib(input: &[u8]) -> Result<(), String> {
    match inflate_all(input, true) {
        Ok(()) => Ok(()),
        Err(None) => Err("Flate data ends early (truncated stream)".into()),
        // The deflate data itself inflates to its end: what failed is the checksum
        // (or the two-byte zlib header).
        Err(Some(_))
            if input.len() > 2
                && input
                    .get(2..)
                    .is_some_and(|d| inflate_all(d, false).is_ok()) =>
        {
            Err("Flate data fails its zlib (Adler-32) checksum".into())
        }
        Err(Some(e)) => Err(format!("Flate data is corrupt ({e})")),
    }
}

/// Inflates to the end marker; `Err(None)` when the input ends first.
fn inflate_all(input: &[u8], zlib: bool) -> Result<(), Option<String>> {
    let mut d = Decompress::new(zlib);
    let mut scratch = vec![0u8; 64 << 10];
    loop {
        let (before_in, before_out) = (d.total_in(), d.total_out());
        let rest = usize::try_from(before_in)
            .ok()
            .and_then(|i| input.get(i..))
            .unwrap_or(&[]);
        match d.decompress(rest, &mut scratch, FlushDecompress::None) {
            Ok(Status::StreamEnd) => return Ok(()),
            Ok(_) if d.total_in() == before_in && d.total_out() == before_out => return Err(None),
            Ok(_) => {}
            Err(e) => return Err(Some(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn good_flipped_and_cut_zlib_data() {
        let good = zlib(b"BT /F1 10 Tf (140.20) Tj ET");
        assert_eq!(check_zlib(&good), Ok(()));
        // the last four bytes are the Adler-32 checksum: flip one of its bits
        let mut bad = good.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        let e = check_zlib(&bad).unwrap_err();
        assert!(e.contains("checksum"), "{e}");
        let cut = &good[..good.len() - 6];
        assert!(check_zlib(cut).unwrap_err().contains("truncated"));
        assert!(check_zlib(b"\x78\x9c\xff\xff\xff").is_err());
    }

    #[test]
    fn unknown_filter_and_limit() {
        let s = Stream::new(dictionary! { "Filter" => "JBIG9Decode" }, b"xx".to_vec());
        match decode(&s, 100) {
            Decoded::Bytes(b, Some(why)) => {
                assert!(b.is_empty());
                assert!(why.contains("JBIG9Decode"), "{why}");
            }
            d => panic!("{d:?}"),
        }
        let s = Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            zlib(&[b'q'; 5000]),
        );
        assert!(matches!(decode(&s, 1000), Decoded::TooLarge));
        match decode(&s, 10_000) {
            Decoded::Bytes(b, None) => assert_eq!(b.len(), 5000),
            d => panic!("{d:?}"),
        }
    }
}
