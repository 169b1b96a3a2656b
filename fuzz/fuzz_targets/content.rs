//! Fuzz target `content`: see `shisaku::fuzzing::content`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shisaku::fuzzing::content(data));
