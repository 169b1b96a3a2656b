//! Fuzz target `cmap`: see `shisaku::fuzzing::cmap`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shisaku::fuzzing::cmap(data));
