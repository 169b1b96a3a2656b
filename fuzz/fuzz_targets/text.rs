//! Fuzz target `text`: see `shisaku::fuzzing::text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shisaku::fuzzing::text(data));
