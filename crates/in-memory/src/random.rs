//! Deterministic randomness: splitmix64, and UUID v4 text made from it (contract C8).
//!
//! The fake must give the same ids on every run, so nothing here reads the operating system's
//! entropy. splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
//! 2014) passes BigCrush and needs one addition and three multiply-xorshift steps per number;
//! the `uuid` crate turns 128 of its bits into a version 4 UUID and writes the text.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Builder;
use uuid::fmt::Hyphenated;

/// The increment of splitmix64: the odd integer closest to 2^64 divided by the golden ratio.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 output function: a bijective mix of one 64-bit state.
fn mix(state: u64) -> u64 {
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The workspace's one seeded pseudorandom generator: splitmix64, the same numbers for the same
/// seed on every run and every platform.
///
/// The fake draws its fault rates and every id it mints from it; use it wherever a test
/// double needs reproducible randomness instead of writing another. It is small and fast, not
/// cryptographic: never use it for secrets.
///
/// ```
/// use leyr_in_memory::SplitMix64;
///
/// let mut generator = SplitMix64::new(1_234_567);
/// // The reference implementation's first output for this seed.
/// assert_eq!(generator.next_u64(), 6_457_827_717_110_365_317);
/// let draw = generator.next_f64();
/// assert!((0.0..1.0).contains(&draw));
/// // The sequence is fixed by the seed alone.
/// let mut again = SplitMix64::new(1_234_567);
/// again.next_u64();
/// assert_eq!(again.next_f64(), draw);
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`; any value, zero included, is a good seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A number in `[0, 1)`, uniform over multiples of 2^-53: the top 53 bits of
    /// [`next_u64`](Self::next_u64).
    pub fn next_f64(&mut self) -> f64 {
        // 53 bits fit an f64 mantissa exactly, so the conversion is lossless.
        #[allow(clippy::cast_precision_loss)]
        let numerator = (self.next_u64() >> 11) as f64;
        numerator / (1_u64 << 53) as f64
    }

    /// The next UUID v4 text, made from the next two numbers.
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
        // Each id takes two steps of the sequence: claim both at once, then take them from a
        // generator started where this caller's claim begins.
        let before = self
            .state
            .fetch_add(GOLDEN_GAMMA.wrapping_mul(2), Ordering::Relaxed);
        SplitMix64::new(before).next_uuid()
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

/// 128 bits as RFC 9562 UUID version 4 text: lowercase hex `8-4-4-4-12`, `high` first. The
/// version nibble (`4`) and the variant bits (`10`) replace six of the bits.
fn uuid_v4(high: u64, low: u64) -> UuidText {
    let bits = (u128::from(high) << 64) | u128::from(low);
    let uuid = Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
    // Encoded into a stack buffer, not a `String`: ids are minted on every booking.
    let mut text = [0_u8; Hyphenated::LENGTH];
    uuid.hyphenated().encode_lower(&mut text);
    UuidText(text)
}

/// UUID text held inline; ids copy it once, into their own storage.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct UuidText([u8; Hyphenated::LENGTH]);

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
            let parsed = uuid::Uuid::parse_str(uuid.as_str()).unwrap();
            assert_eq!(parsed.get_version(), Some(uuid::Version::Random));
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
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
    fn a_seed_always_mints_the_same_ids() {
        // Pinned: the ids a seed gives must not change between versions of this crate.
        let mut generator = SplitMix64::new(42);
        let ids: Vec<UuidText> = (0..3).map(|_| generator.next_uuid()).collect();
        let ids: Vec<&str> = ids.iter().map(UuidText::as_str).collect();
        assert_eq!(
            ids,
            [
                "bdd73226-2feb-4e95-a8ef-e333b266f103",
                "47526757-130f-4f52-981c-e1ff0e4ae394",
                "09bc585a-2448-43f2-9e44-31fa3c80db06",
            ]
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
