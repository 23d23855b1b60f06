//! proptest strategies for valid domain values (feature `test-util`).

pub mod personnummer;
