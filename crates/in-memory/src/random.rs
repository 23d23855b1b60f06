//! Deterministic randomness: splitmix64, and UUID v4 text made from it (contract C8).
//!
//! The fake must give the same ids on every run, so nothing here reads the operating system's
//! entropy. splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
//! 2014) passes BigCrush and needs one addition and three multiply-xorshift steps per number.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

/// The increment of splitmix64: the odd integer closest to 2^64 divided by the golden ratio.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 output function: a bijective mix of one 64-bit state.
fn mix(state: u64) -> u64 {
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A splitmix64 generator owned by one user (fault rates, the seed data).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        // 53 bits fit an f64 mantissa exactly, so the conversion is lossless.
        #[allow(clippy::cast_precision_loss)]
        let numerator = (self.next_u64() >> 11) as f64;
        numerator / (1_u64 << 53) as f64
    }

    /// The next UUID v4 text.
    pub(crate) fn next_uuid(&mut self) -> UuidText {
        let high = self.next_u64();
        let low = self.next_u64();
        uuid_v4(high, low)
    }
}

/// A splitmix64 generator shared by concurrent callers: each call advances one atomic counter,
/// so ids never repeat and a sequential run always mints the same ids in the same order.
#[derive(Debug)]
pub(crate) struct IdSource {
    state: AtomicU64,
}

impl IdSource {
    /// A source whose sequence is fixed by `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// The next UUID v4 text, drawn from the same sequence as [`SplitMix64::next_uuid`] would.
    pub(crate) fn next_uuid(&self) -> UuidText {
        let before = self
            .state
            .fetch_add(GOLDEN_GAMMA.wrapping_mul(2), Ordering::Relaxed);
        let high = mix(before.wrapping_add(GOLDEN_GAMMA));
        let low = mix(before.wrapping_add(GOLDEN_GAMMA.wrapping_mul(2)));
        uuid_v4(high, low)
    }

    /// The next id of the sequence that `taken` does not hold, as `T`: a dataset may already
    /// hold ids from the same sequence. `None` only if `T` refuses UUID text.
    pub(crate) fn next_unused<T: FromStr>(&self, taken: impl Fn(&str) -> bool) -> Option<T> {
        loop {
            let candidate = self.next_uuid();
            if !taken(candidate.as_str()) {
                return candidate.as_str().parse().ok();
            }
        }
    }
}

/// 128 bits as RFC 9562 UUID version 4 text: lowercase hex `8-4-4-4-12`, version nibble `4`,
/// variant bits `10`.
fn uuid_v4(high: u64, low: u64) -> UuidText {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let high = (high & !0xF000) | 0x4000;
    let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    let mut bytes = [0_u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..].copy_from_slice(&low.to_be_bytes());
    // Written by hand into a stack buffer: `format!` with five padded hex fields costs several
    // times more, and ids are minted on every booking.
    let mut text = [0_u8; 36];
    let mut at = 0;
    for (position, byte) in bytes.iter().enumerate() {
        if matches!(position, 4 | 6 | 8 | 10) {
            text[at] = b'-';
            at += 1;
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0x0F)];
        at += 2;
    }
    UuidText(text)
}

/// UUID text held inline; ids copy it once, into their own storage.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct UuidText([u8; 36]);

impl UuidText {
    /// The text (only lowercase hex digits and `-` are ever written).
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl AsRef<str> for UuidText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for UuidText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_uuid_v4(text: &str) -> bool {
        let groups: Vec<&str> = text.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
        lengths == [8, 4, 4, 4, 12]
            && text
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
            && groups[2].starts_with('4')
            && groups[3].starts_with(['8', '9', 'a', 'b'])
    }

    #[test]
    fn uuids_have_version_four_and_the_rfc_variant() {
        let mut generator = SplitMix64::new(7);
        for _ in 0..1000 {
            let uuid = generator.next_uuid();
            assert!(is_uuid_v4(uuid.as_str()), "{uuid:?}");
        }
        assert_eq!(
            uuid_v4(0, 0).as_str(),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            uuid_v4(u64::MAX, u64::MAX).as_str(),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            uuid_v4(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210).as_str(),
            "01234567-89ab-4def-bedc-ba9876543210"
        );
    }

    #[test]
    fn the_shared_source_follows_the_same_sequence() {
        let mut owned = SplitMix64::new(42);
        let shared = IdSource::new(42);
        for _ in 0..10 {
            assert_eq!(owned.next_uuid(), shared.next_uuid());
        }
    }

    #[test]
    fn splitmix64_matches_the_reference_output() {
        // First outputs of the reference implementation for seed 1234567.
        let mut generator = SplitMix64::new(1_234_567);
        assert_eq!(generator.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(generator.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn floats_stay_in_the_unit_interval() {
        let mut generator = SplitMix64::new(3);
        assert!(
            (0..10_000)
                .map(|_| generator.next_f64())
                .all(|x| (0.0..1.0).contains(&x))
        );
    }
}
